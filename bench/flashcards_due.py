"""Benchmark: `GET /api/flashcards/due` against a bare Django view running the same queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/langlearn .venv/bin/python bench/flashcards_due.py [--seconds 3]

Seeds one learner with 100,000 cards (50,000 entries x 2 directions; new, learning, review, relearning
and suspended cards, due dates spread over past and future, some first reviews today) in a database
of its own (`<name>_bench_due`, dropped at the end unless --keep), then measures both views in the
same process, alternating rounds so background load hits both alike. Prints requests/s, p50/p99
latency and the queries per request. Both views authenticate the same JWT; requests go through the
full middleware stack with django.test.Client (no network), persistent DB connections, DEBUG off.
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
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.authentication import JWTAuthentication  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import Account  # noqa: E402
from flashcards.models import Flashcard, FlashcardEvent  # noqa: E402
from flashcards.selectors.due import _COLUMNS, new_cards_introduced_today  # noqa: E402
from vocab.models import LearnableWordBankEntry, UserLanguagePair  # noqa: E402

CARDS = 100_000


def bare_due(request):
    """The same four queries as the API view, `.values()` rows straight into JsonResponse."""
    auth = JWTAuthentication().authenticate(request)
    if auth is None:
        return JsonResponse({"detail": "unauthorized"}, status=401)
    user = auth[0]
    limit = min(int(request.GET.get("limit", 20)), 100)
    pair = UserLanguagePair.objects.get(user=user, pk=request.GET["language_pair"])
    now = timezone.now()
    base = Flashcard.objects.filter(user=user, pair=pair, suspended=False)
    reviews = list(base.filter(last_review__isnull=False, due__lte=now).order_by("due", "id").values(*_COLUMNS)[:limit])
    new_allowed = max(0, pair.daily_new_cards - new_cards_introduced_today(user=user, pair=pair, now=now))
    room = min(limit - len(reviews), new_allowed)
    new = list(base.filter(last_review__isnull=True).order_by("due", "id").values(*_COLUMNS)[:room]) if room else []
    return JsonResponse({"results": reviews + new})


urlpatterns = [path("bench/bare-due", bare_due), path("", include("langlearn.urls"))]


def seed(rng: random.Random) -> tuple[Account, UserLanguagePair]:
    user = Account.objects.create_user(email=f"bench-{uuid.uuid4().hex[:8]}@example.com", password="x" * 12)
    pair = UserLanguagePair.objects.create(user=user, source_language="en", target_language="es", level="B1")
    now = timezone.now()
    entries = [
        LearnableWordBankEntry(
            user=user,
            pair=pair,
            text=f"palabra{i}",
            lemma=f"palabra{i}",
            normalized_lemma=f"palabra{i}",
            part_of_speech="NOUN",
            translation=f"word {i}",
            example_sentence=f"Una frase con palabra{i}.",
            example_translation=f"A sentence with word {i}.",
            audio=f"vocab/audio/{user.pk}/{i}.wav" if i % 2 else "",
        )
        for i in range(CARDS // 2)
    ]
    LearnableWordBankEntry.objects.bulk_create(entries, batch_size=5000)
    cards = []
    for entry in entries:
        for direction in ("recognise", "produce"):
            roll = rng.random()
            card = Flashcard(user=user, pair=pair, entry=entry, direction=direction, due=now)
            if roll < 0.30:  # new, due since it was added
                card.due = now - timedelta(minutes=rng.randint(0, 60 * 24 * 60))
            else:
                card.state = 2 if roll < 0.80 else (1 if roll < 0.90 else 3)
                card.step = None if card.state == 2 else 0
                card.stability, card.difficulty = rng.uniform(0.5, 200), rng.uniform(1, 10)
                card.last_review = now - timedelta(days=rng.uniform(1, 90))
                card.due = now + timedelta(days=rng.uniform(-30, 60))
            card.suspended = rng.random() < 0.02
            cards.append(card)
    Flashcard.objects.bulk_create(cards, batch_size=5000)
    # A few first reviews today, so the daily new-card count has rows to count.
    firsts = [c for c in cards if c.last_review is not None][:8]
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
        response = client.get(url, **headers)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return latencies


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="per round and view (3 rounds)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the seeded database for another run")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")

    setup_test_environment()
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{settings.DATABASES['default']['NAME']}_bench_due"
    db_name = connection.creation.create_test_db(verbosity=0, keepdb=args.keep, serialize=False)
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
                with CaptureQueriesContext(connection) as ctx:
                    body = client.get(url, **headers).json()
                counts[name] = (len(ctx.captured_queries), len(body["results"]))
            latencies: dict[str, list[float]] = {name: [] for name in views}
            elapsed = dict.fromkeys(views, 0.0)
            for _ in range(args.rounds):
                for name, url in views.items():
                    start = time.perf_counter()
                    latencies[name] += measure(client, url, args.seconds, headers)
                    elapsed[name] += time.perf_counter() - start
        print(f"GET due, limit={args.limit}, {args.rounds} rounds x {args.seconds:.0f} s per view, one process")
        print(f"{'view':<6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99/p50':>9}{'queries':>9}{'cards':>7}")
        rps = {}
        for name in views:
            lat = latencies[name]
            rps[name] = len(lat) / elapsed[name]
            p50, p99 = statistics.median(lat) * 1000, pct(lat, 0.99) * 1000
            queries, cards = counts[name]
            print(f"{name:<6}{rps[name]:>9.0f}{p50:>9.2f}{p99:>9.2f}{p99 / p50:>9.2f}{queries:>9}{cards:>7}")
        print(f"api / bare throughput: {rps['api'] / rps['bare']:.0%} (target >= 70%)")
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
