"""Memory of gunicorn web workers with the NLP pipelines of five languages, shared by preloading.

    DATABASE_URL=... .venv/bin/python bench/web_memory.py [--workers 5] [--langs es,fr,de,it,pt]

Starts `gunicorn --preload` with NLP_PRELOAD set (langlearn/preload.py builds the pipelines in the
master, the workers are forked from it), sends a few requests, and prints each worker's RSS, PSS
(its fair share of pages it shares) and USS (pages only it holds), from /proc/PID/smaps_rollup.
RSS counts shared pages in full in every worker; PSS summed over the workers is what they take
together. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def memory(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
            out[key] = int(rest.split()[0]) / 1024
    out["Uss"] = out.pop("Private_Clean") + out.pop("Private_Dirty")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--langs", default="es,fr,de,it,pt")
    parser.add_argument("--no-preload", action="store_true", help="the lazy default, for comparison")
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "DEBUG": "false", "LANGLEARN_TESTING": "0", "LOG_LEVEL": "WARNING"}
    cmd = [sys.executable, "-m", "gunicorn", "langlearn.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(args.workers), "--log-level", "warning"]
    if not args.no_preload:
        env["NLP_PRELOAD"] = args.langs
        cmd.append("--preload")
    started = time.monotonic()
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        for _ in range(50):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
        print(f"gunicorn {'--preload, NLP_PRELOAD=' + args.langs if not args.no_preload else '(lazy NLP)'}: "
              f"{args.workers} workers up in {time.monotonic() - started:.0f} s")  # fmt: skip
        workers = [int(p) for p in subprocess.check_output(["ps", "-o", "pid=", "--ppid", str(server.pid)]).split()]
        total = {"Rss": 0.0, "Pss": 0.0, "Uss": 0.0}
        for pid in [server.pid, *workers]:
            m = memory(pid)
            for k in total:
                total[k] += m[k]
            role = "master" if pid == server.pid else "worker"
            print(f"  {role:<7}{pid:>8}  RSS {m['Rss']:7.1f} MB  PSS {m['Pss']:7.1f} MB  USS {m['Uss']:7.1f} MB")
        print(f"  all    RSS {total['Rss']:7.1f} MB (counting shared pages once per process)  "
              f"PSS {total['Pss']:7.1f} MB (what they take together)")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
