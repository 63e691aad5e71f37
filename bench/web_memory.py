"""Memory of gunicorn web workers and of Dramatiq worker processes with the NLP pipelines of five
languages, shared by building them once in the parent and forking.

    DATABASE_URL=... .venv/bin/python bench/web_memory.py [--workers 5] [--langs es,fr,de,it,pt]
        [--dramatiq-processes 2] [--broker redis://127.0.0.1:6379/15] [--skip-web | --skip-dramatiq]

Web: starts `gunicorn --preload` with NLP_PRELOAD set (langlearn/preload.py builds the pipelines in
the master, the workers are forked from it), sends a few requests. Dramatiq: starts `manage.py
runworkers` with NLP_PRELOAD (the pipelines built in the parent, Dramatiq's worker processes forked
from it) against a real broker, and waits until every process is ready. For each process it prints
RSS, PSS (its fair share of the pages it shares) and USS (pages only it holds), from
/proc/PID/smaps_rollup. RSS counts shared pages in full in every process; PSS summed over the
processes is what they take together. The processes are idle when measured: pages a worker writes
later (reference counts of the objects it touches) become its own. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
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


def report(parent: int, children: list[int]) -> None:
    total = {"Rss": 0.0, "Pss": 0.0, "Uss": 0.0}
    for pid in [parent, *children]:
        m = memory(pid)
        for k in total:
            total[k] += m[k]
        role = "parent" if pid == parent else "worker"
        print(f"  {role:<7}{pid:>8}  RSS {m['Rss']:7.1f} MB  PSS {m['Pss']:7.1f} MB  USS {m['Uss']:7.1f} MB")
    print(f"  all    RSS {total['Rss']:7.1f} MB (counting shared pages once per process)  "
          f"PSS {total['Pss']:7.1f} MB (what they take together)")  # fmt: skip


def children_of(pid: int) -> list[int]:
    return [int(p) for p in subprocess.check_output(["ps", "-o", "pid=", "--ppid", str(pid)]).split()]


def dramatiq_workers(args) -> None:
    """`manage.py runworkers` with NLP_PRELOAD: Dramatiq's worker processes forked from the parent
    that built the pipelines. Ready when every worker process has logged so."""
    env = {**os.environ, "DEBUG": "false", "LANGLEARN_TESTING": "0", "NLP_PRELOAD": args.langs}
    env["BROKER_URL"] = args.broker
    cmd = [sys.executable, "manage.py", "runworkers", "--processes", str(args.dramatiq_processes)]
    cmd += ["--threads", "2"]
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            while time.monotonic() - started < 1800:
                log.seek(0)
                text = log.read()
                if text.count("is ready for action") >= args.dramatiq_processes or server.poll() is not None:
                    break
                time.sleep(1)
            if "thread already started" in text or server.poll() is not None:
                raise SystemExit(f"runworkers failed:\n{text[-3000:]}")
            time.sleep(2)  # let the workers settle after their boot
            print(f"manage.py runworkers, NLP_PRELOAD={args.langs}: {args.dramatiq_processes} Dramatiq worker "
                  f"processes up in {time.monotonic() - started:.0f} s")  # fmt: skip
            # The dramatiq entry point runs in this process: its children are the worker processes.
            report(server.pid, children_of(server.pid))
        finally:
            server.terminate()
            server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--langs", default="es,fr,de,it,pt")
    parser.add_argument("--no-preload", action="store_true", help="the lazy default, for comparison")
    parser.add_argument("--dramatiq-processes", type=int, default=2)
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--skip-web", action="store_true")
    parser.add_argument("--skip-dramatiq", action="store_true")
    args = parser.parse_args()
    if not args.skip_web:
        web_workers(args)
    if not args.skip_dramatiq:
        dramatiq_workers(args)


def web_workers(args) -> None:
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
        report(server.pid, children_of(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
