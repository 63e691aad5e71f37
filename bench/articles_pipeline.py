"""Benchmark: 50 article jobs on ONE worker process against a fake provider server that takes
300 ms per call. Reports the wall time next to the ideal `jobs x single-job time / threads`.

The old in-process queue ran jobs one at a time; a Dramatiq worker's threads should overlap the
provider waits, so the wall time should stay within 1.5x of that ideal.

    .venv/bin/python bench/articles_pipeline.py [--jobs 50] [--threads 8] [--delay 0.3]

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/langlearn_bench; created and migrated if missing), a temporary
media folder, the StubBroker and `python -m langlearn.clients.fakes` started as a subprocess.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The standalone fake server (`python -m langlearn.clients.fakes --delay`), with one twist: every
# article the fake LLM writes is unique. Identical articles would let the translation cache answer
# every job after the first and flatter the figures. It prints its request counts when stopped.
FAKE_SERVER = """
import collections, itertools, signal, sys
from langlearn.clients import fakes
counter = itertools.count(1)
plain = fakes.default_answer
def unique_articles(req):
    status, headers, body = plain(req)
    if req.provider == "anthropic" and status == 200:
        body = body.replace(b'"body": "', b'"body": "Art%d. ' % next(counter), 1)
    return status, headers, body
fakes.default_answer = unique_articles
server = fakes.FakeProviderServer("127.0.0.1", int(sys.argv[1]), default_delay=float(sys.argv[2]))
def stop(*_):
    counts = collections.Counter(r.provider + " " + r.path.rsplit("/", 1)[-1] for r in server.requests)
    print(dict(counts), flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
server._httpd.serve_forever()
"""


def start_fake_server(delay: float) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", FAKE_SERVER, str(port), str(delay)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("the fake provider server did not start") from None
            time.sleep(0.1)


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def configure(fake_url: str, media: str) -> None:
    db_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/langlearn_bench")
    ensure_database(db_url)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "langlearn.settings",
            "DATABASE_URL": db_url,
            "LANGLEARN_TESTING": "0",
            "BROKER_URL": "",
            "MEDIA_ROOT": media,
            "LOG_LEVEL": "WARNING",
            "ANTHROPIC_API_KEY": "bench-key",
            "ANTHROPIC_BASE_URL": fake_url,
            "GEMINI_API_KEY": "bench-key",
            "GEMINI_BASE_URL": fake_url,
            "DEEPL_API_KEY": "bench-key:fx",
            "DEEPL_SERVER_URL": fake_url,
            "PROVIDER_SDK_MAX_RETRIES": "0",
            "GENERATION_DAILY_QUOTA": "100000",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8, help="worker threads (Dramatiq's default is 8)")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds the fake server takes per call")
    parser.add_argument("--singles", type=int, default=3, help="sequential jobs timed for the single-job figure")
    args = parser.parse_args()

    fake, fake_url = start_fake_server(args.delay)
    try:
        with tempfile.TemporaryDirectory() as media:
            configure(fake_url, media)
            run(args)
    finally:
        fake.terminate()
        out, _ = fake.communicate(timeout=10)
        print(f"provider calls (all runs) {out.strip()}")


def run(args: argparse.Namespace) -> None:
    import dramatiq
    from django.db import connection

    from accounts.models import Account
    from articles.models import ARTICLE_JOB_KIND
    from langlearn.jobs.models import Job, JobStatus
    from langlearn.jobs.services import job_create
    from langlearn.jobs.tasks import JOBS_QUEUE
    from langlearn.models import TranslationCacheEntry
    from vocab.models import UserLanguagePair

    broker = dramatiq.get_broker()
    broker.flush_all()
    user, _ = Account.objects.get_or_create(email="bench@example.com")
    pair, _ = UserLanguagePair.objects.get_or_create(user=user, source_language="en", target_language="es")
    Job.objects.filter(user=user).delete()
    # The fake's articles are numbered from 1 in each run: forget the previous run's translations.
    TranslationCacheEntry.objects.all().delete()
    source = "The town held its yearly river festival with boats, music and food stalls along the water. " * 5

    def make_jobs(n: int) -> list[str]:
        params = {"language_pair": str(pair.pk), "text": source, "level": "B1", "length": "short"}
        params["source"] = {"type": "text"}
        params["title"] = ""
        return [
            str(job_create(user=user, kind=ARTICLE_JOB_KIND, params=params, count_quota=False).pk) for _ in range(n)
        ]

    def drain(worker: dramatiq.Worker) -> None:
        broker.join(JOBS_QUEUE, fail_fast=True)
        worker.join()

    worker = dramatiq.Worker(broker, worker_threads=args.threads, worker_timeout=50)
    worker.start()
    try:
        # Warm-up: spaCy pipeline, SDK clients and connection pools are built once per process.
        make_jobs(1)
        drain(worker)

        singles = []
        for _ in range(args.singles):
            started = time.perf_counter()
            make_jobs(1)
            drain(worker)
            singles.append(time.perf_counter() - started)
        single = statistics.median(singles)

        started = time.perf_counter()
        ids = make_jobs(args.jobs)
        drain(worker)
        wall = time.perf_counter() - started
    finally:
        worker.stop()

    succeeded = Job.objects.filter(pk__in=ids, status=JobStatus.SUCCEEDED).count()
    ideal = args.jobs * single / args.threads
    connection.close()
    print(f"fake provider delay      {args.delay * 1000:.0f} ms per call")
    print(f"worker                   1 process, {args.threads} threads")
    print(f"single job (median of {args.singles}) {single:.3f} s")
    print(f"{args.jobs} jobs wall time        {wall:.2f} s  ({succeeded}/{args.jobs} succeeded)")
    print(f"ideal {args.jobs} x single / threads {ideal:.2f} s")
    print(f"ratio wall / ideal       {wall / ideal:.2f}x  (target <= 1.5x)")
    print(f"sequential (old queue)   {args.jobs * single:.2f} s  -> speed-up {args.jobs * single / wall:.1f}x")


if __name__ == "__main__":
    main()
