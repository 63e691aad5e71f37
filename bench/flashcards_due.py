"""Benchmark: `GET /api/flashcards/due` against a bare Django view running the same queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/langlearn .venv/bin/python bench/flashcards_due.py [--seconds 3]

Seeds one learner with 100,000 cards (50,000 entries x 2 directions; new, learning, review, relearning
and suspended cards, due dates spread over past and future, some first reviews today) in a database
of its own (`<name>_bench_due`, dropped at the end unless --keep), then measures both views in the
same process, alternating rounds so background load hits both alike. Prints requests/s, p50/p99
latency and the queries per request. Both views authenticate the same JWT and run the same two
queries; requests go through the full middleware stack with django.test.Client (no network),
persistent DB connections, DEBUG off.
Not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
os.environ["DEBUG"] = "false"
os.environ["CONN_MAX_AGE"] = "600"  # as in production: no new connection per request
os.environ["THROTTLE_USER"] = "1000000000/min"  # keep the throttle's cost, never its 429s
os.environ.setdefault("LANGLEARN_TESTING", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from querycount import count_statements, like_wsgi  # noqa: E402
from rest_framework_simplejwt.authentication import JWTAuthentication  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import Account  # noqa: E402
from flashcards.models import Flashcard, FlashcardEvent  # noqa: E402
from flashcards.selectors.due import _COLUMNS, due_queue_querysets, pair_for_due_queue  # noqa: E402
from vocab.models import LearnableWordBankEntry, UserLanguagePair  # noqa: E402

CARDS = 100_000


def bare_due(request):
    """The same two queries as the API view, `.values()` rows straight into JsonResponse."""
    auth = JWTAuthentication().authenticate(request)
    if auth is None:
        return JsonResponse({"detail": "unauthorized"}, status=401)
    user = auth[0]
    limit = min(int(request.GET.get("limit", 20)), 100)
    now = timezone.now()
    pair = pair_for_due_queue(user=user, pair_id=request.GET["language_pair"], now=now)
    new_allowed = max(0, pair.daily_new_cards - pair.new_introduced_today)
    studied, new = due_queue_querysets(user=user, pair=pair, limit=limit, new_allowed=new_allowed, now=now)
    rows = studied.values(*_COLUMNS)
    if new is not None:
        rows = rows.union(new.values(*_COLUMNS), all=True)
    return JsonResponse({"results": list(rows)[:limit]})


urlpatterns = [path("bench/bare-due", bare_due), path("", include("langlearn.urls"))]


def _copy(table: str, columns: list[str], rows) -> None:
    """COPY is ~3x faster than bulk_create for 150k rows, and seeding is most of this script's time."""
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed(rng: random.Random) -> tuple[Account, UserLanguagePair]:
    user = Account.objects.create_user(email=f"bench-{uuid.uuid4().hex[:8]}@example.com", password="x" * 12)
    pair = UserLanguagePair.objects.create(user=user, source_language="en", target_language="es", level="B1")
    now = timezone.now()
    entry_ids = [uuid.uuid4() for _ in range(CARDS // 2)]
    _copy(
        LearnableWordBankEntry._meta.db_table,
        ["id", "created_at", "updated_at", "user_id", "pair_id", "text", "lemma", "normalized_lemma",
         "part_of_speech", "translation", "example_sentence", "example_translation", "audio", "source"],
        (
            (eid, now, now, user.pk, pair.pk, f"palabra{i}", f"palabra{i}", f"palabra{i}", "NOUN", f"word {i}",
             f"Una frase con palabra{i}.", f"A sentence with word {i}.",
             f"vocab/audio/{user.pk}/{eid}.wav" if i % 2 else "", "manual")
            for i, eid in enumerate(entry_ids)
        ),
    )  # fmt: skip

    def cards():
        for entry_id in entry_ids:
            for direction in ("recognise", "produce"):
                roll = rng.random()
                if roll < 0.30:  # new: never reviewed, due since it was added
                    state, step, stability, difficulty, last_review = 1, 0, None, None, None
                    due = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
                else:  # studied: review, learning or relearning, due from a month ago to two months ahead
                    state = 2 if roll < 0.80 else (1 if roll < 0.90 else 3)
                    step = None if state == 2 else 0
                    stability, difficulty = rng.uniform(0.5, 200), rng.uniform(1, 10)
                    last_review = now - timedelta(days=rng.uniform(1, 90))
                    due = now + timedelta(days=rng.uniform(-30, 60))
                suspended = rng.random() < 0.02
                yield (uuid.uuid4(), now, now, user.pk, pair.pk, entry_id, direction, state, step, stability,
                       difficulty, due, last_review, suspended)  # fmt: skip

    _copy(
        Flashcard._meta.db_table,
        ["id", "created_at", "updated_at", "user_id", "pair_id", "entry_id", "direction", "state", "step",
         "stability", "difficulty", "due", "last_review", "suspended"],
        cards(),
    )  # fmt: skip
    # A few first reviews today, so the daily new-card count has rows to count.
    firsts = Flashcard.objects.filter(user=user, last_review__isnull=False)[:8]
    FlashcardEvent.objects.bulk_create(
        FlashcardEvent(
            card=c, user=user, rating=3, reviewed_at=now - timedelta(minutes=5),
            state_before={"state": 1, "last_review": None}, state_after={"state": 1},
        )
        for c in firsts
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return user, pair


def measure(client: Client, url: str, seconds: float, headers: dict) -> list[float]:
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        response = like_wsgi(lambda: client.get(url, **headers))
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=1.5, help="per round and view")
    parser.add_argument("--rounds", type=int, default=6, help="alternating api/bare rounds")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for another run")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")

    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{settings.DATABASES['default']['NAME']}_bench_due"
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False)
    try:
        t0 = time.perf_counter()
        user = Account.objects.filter(email__startswith="bench-").first() if args.keep else None
        if user is None:
            user, pair = seed(random.Random(42))
        else:
            pair = UserLanguagePair.objects.get(user=user)
        print(f"database {db_name}: {Flashcard.objects.filter(user=user).count():,} cards "
              f"(seeded/loaded in {time.perf_counter() - t0:.1f} s)")  # fmt: skip
        headers = {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}
        query = f"?language_pair={pair.pk}&limit={args.limit}"
        views = {"api": f"/api/flashcards/due{query}", "bare": f"/bench/bare-due{query}"}
        with override_settings(ROOT_URLCONF=__name__):
            client = Client()
            counts = {}
            for name, url in views.items():
                measure(client, url, 0.5, headers)  # warm up: connection, caches, code paths
                with count_statements() as statements:
                    body = like_wsgi(lambda: client.get(url, **headers)).json()  # noqa: B023
                counts[name] = (statements.total, len(body["results"]))
            latencies: dict[str, list[float]] = {name: [] for name in views}
            elapsed = dict.fromkeys(views, 0.0)
            cpu = dict.fromkeys(views, 0.0)
            for _ in range(args.rounds):
                for name, url in views.items():
                    start, start_cpu = time.perf_counter(), time.process_time()
                    latencies[name] += measure(client, url, args.seconds, headers)
                    elapsed[name] += time.perf_counter() - start
                    cpu[name] += time.process_time() - start_cpu
        print(f"GET due, limit={args.limit}, {args.rounds} rounds x {args.seconds:.1f} s per view, one process")
        # CPU ms/request is this process's own work (Python + driver), which machine load barely moves;
        # wall-clock figures also hold the database's time and any wait for a core.
        print(f"{'view':<6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99/p50':>9}{'cpu ms':>9}{'queries':>9}{'cards':>7}")
        rps = {}
        for name in views:
            lat = latencies[name]
            rps[name] = len(lat) / elapsed[name]
            p50, p99 = statistics.median(lat) * 1000, pct(lat, 0.99) * 1000
            queries, cards = counts[name]
            cpu_ms = cpu[name] / len(lat) * 1000
            row = f"{name:<6}{rps[name]:>9.0f}{p50:>9.2f}{p99:>9.2f}{p99 / p50:>9.2f}{cpu_ms:>9.2f}"
            print(f"{row}{queries:>9}{cards:>7}")
        cpu_ratio = (cpu["api"] / len(latencies["api"])) / (cpu["bare"] / len(latencies["bare"]))
        print(f"api / bare throughput: {rps['api'] / rps['bare']:.0%} (target >= 70%); CPU per request api / bare: "
              f"{cpu_ratio:.2f}x; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")  # fmt: skip
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
