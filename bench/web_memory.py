"""Memory of gunicorn web workers that have used the NLP of five languages (issue 20: ≤ 300 MB RSS each).

    DATABASE_URL=... .venv/bin/python bench/web_memory.py [--workers 5] [--langs es,fr,de,it,pt]
        [--requests 400] [--no-preload]

Starts `gunicorn --preload` with NLP_PRELOAD set (langlearn/preload.py builds the pipelines in the
master, the workers are forked from it), registers a learner with a pair per language, then sends
`POST /api/vocab/lookup` with a word and its sentence (UD dev sentences where UD_DATA has them)
from as many client threads as there are workers, so every worker analyses text in every language.
Then prints each process's RSS, PSS (its fair share of the pages it shares) and USS (pages only it
holds), from /proc/PID/smaps_rollup. RSS counts shared pages in full in every worker; PSS summed
over the processes is what they take together. The database must be migrated. Not a test.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLES = {
    "es": "Los niños estaban comiendo manzanas en el mercado.",
    "fr": "Ils mangeaient des pommes au marché.",
    "de": "Die Kinder aßen Äpfel auf dem Markt.",
    "it": "I bambini mangiavano le mele al mercato.",
    "pt": "As crianças estavam comendo maçãs no mercado.",
    "en": "The children were eating apples at the market.",
}


def memory(pid: int) -> dict[str, float]:
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss", "Private_Clean", "Private_Dirty"):
            out[key] = int(rest.split()[0]) / 1024
    out["Uss"] = out.pop("Private_Clean") + out.pop("Private_Dirty")
    return out


def sentences(lang: str, limit: int = 300) -> list[str]:
    """Running text to look words up in: the language's UD dev sentences when present, else a sample."""
    try:
        from langlearn.nlp.train import DEFAULT_DATA, TREEBANKS, treebank

        if lang in TREEBANKS and (DEFAULT_DATA / f"{TREEBANKS[lang]}.conllu").is_file():
            found = [" ".join(u.form for u in s) for s in treebank(lang)[:limit]]
            return [s[:2000] for s in found if s]
    except Exception:  # the bench still runs on the sample sentences
        pass
    return [SAMPLES.get(lang, "Hello world.")]


def call(base: str, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"{}")


def exercise(base: str, langs: list[str], requests: int, threads: int) -> int:
    """Lookups in every language from `threads` clients at once; returns how many succeeded."""
    email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "bench-Passw0rd!"
    call(base, "/api/auth/register", {"email": email, "password": password})
    token = call(base, "/api/auth/login", {"email": email, "password": password})["access_token"]
    source = "en" if "en" not in langs else "es"
    pairs = {
        lang: call(base, "/api/vocab/language-pairs", {"source_language": source, "target_language": lang}, token)["id"]
        for lang in langs
    }
    jobs = []
    texts = {lang: itertools.cycle(sentences(lang)) for lang in langs}
    for i in range(requests):
        lang = langs[i % len(langs)]
        sentence = next(texts[lang])
        words = [w for w in sentence.split() if w.isalpha()] or [sentence.split()[0]]
        jobs.append({"language_pair": pairs[lang], "text": words[i % len(words)], "sentence": sentence})

    def one(body: dict) -> bool:
        try:
            call(base, "/api/vocab/lookup", body, token)
            return True
        except OSError as exc:
            print(f"  lookup failed: {exc}", file=sys.stderr)
            return False

    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(one, jobs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--langs", default="es,fr,de,it,pt")
    parser.add_argument("--requests", type=int, default=400, help="lookups spread over the languages")
    parser.add_argument("--no-preload", action="store_true", help="the lazy default, for comparison")
    args = parser.parse_args()
    langs = [lang.strip() for lang in args.langs.split(",") if lang.strip()]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DEBUG": "false", "LANGLEARN_TESTING": "0", "LOG_LEVEL": "WARNING"}
    env.update(THROTTLE_USER="100000/min", THROTTLE_REGISTER="1000/min", THROTTLE_LOGIN="1000/min")
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    cmd = [sys.executable, "-m", "gunicorn", "langlearn.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--workers", str(args.workers), "--log-level", "warning", "--timeout", "120"]
    if not args.no_preload:
        env["NLP_PRELOAD"] = ",".join(langs)
        cmd.append("--preload")
    started = time.monotonic()
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        up = time.monotonic() - started
        mode = f"--preload, NLP_PRELOAD={','.join(langs)}" if not args.no_preload else "(lazy NLP)"
        print(f"gunicorn {mode}: {args.workers} workers up in {up:.0f} s")
        started = time.monotonic()
        done = exercise(base, langs, args.requests, args.workers)
        took = time.monotonic() - started
        print(f"  {done}/{args.requests} lookups (word + sentence) in {', '.join(langs)} in {took:.0f} s")
        workers = [int(p) for p in subprocess.check_output(["ps", "-o", "pid=", "--ppid", str(server.pid)]).split()]
        total = {"Rss": 0.0, "Pss": 0.0, "Uss": 0.0}
        worst = 0.0
        for pid in [server.pid, *workers]:
            m = memory(pid)
            for k in total:
                total[k] += m[k]
            role = "master" if pid == server.pid else "worker"
            if role == "worker":
                worst = max(worst, m["Rss"])
            print(f"  {role:<7}{pid:>8}  RSS {m['Rss']:7.1f} MB  PSS {m['Pss']:7.1f} MB  USS {m['Uss']:7.1f} MB")
        print(f"  all    RSS {total['Rss']:7.1f} MB (counting shared pages once per process)  "
              f"PSS {total['Pss']:7.1f} MB (what they take together)")  # fmt: skip
        print(f"web worker with {len(langs)} languages used: max RSS {worst:.1f} MB (target <= 300 MB)")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
