"""Benchmark: the cost of keeping FSRS state a function of the review history.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/langlearn .venv/bin/python bench/flashcards_replay.py

In a database of its own (`<name>_bench_replay`, dropped at the end), measures:
  1. replaying one card with 200 reviews in memory (`flashcard_state_from_history`);
  2. a late review of such a card over HTTP (`POST /api/flashcards/{id}/reviews`: load 200 events,
     replay, rewrite the changed before/after states);
  3. `POST /api/flashcards/reviews/sync` with 1,000 events over 100 cards, once in order (new cards)
     and once all late (each card already reviewed after them, so all 100 are replayed);
  4. a learner with 50,000 reviews: the fit (fsrs-rs), the parameter evaluation, the workload
     simulation and rescheduling every card — time each, and the process's peak RSS growth for the fit.
Requests go through the full middleware stack with django.test.Client (JWT, no network), DEBUG off.
Not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
os.environ["DEBUG"] = "false"
os.environ["THROTTLE_USER"] = "1000000000/min"
os.environ.setdefault("LANGLEARN_TESTING", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from fsrs import Card, Rating, Scheduler  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import Account  # noqa: E402
from flashcards.models import Flashcard, FlashcardEvent  # noqa: E402
from flashcards.scheduling import HistoryReview, flashcard_state_from_history, scheduler_for  # noqa: E402
from flashcards.selectors import fsrs_parameters_quality, workload_simulation  # noqa: E402
from flashcards.services import flashcards_reschedule, fsrs_parameters_fit  # noqa: E402
from vocab.models import LearnableWordBankEntry, UserLanguagePair  # noqa: E402


def new_cards(pair, n: int) -> list[Flashcard]:
    now = timezone.now()
    entries = LearnableWordBankEntry.objects.bulk_create(
        LearnableWordBankEntry(
            pair=pair, user=pair.user, text=f"w{uuid.uuid4().hex[:10]}", lemma="w", normalized_lemma=uuid.uuid4().hex,
            translation="t",
        )
        for _ in range(n)
    )  # fmt: skip
    return Flashcard.objects.bulk_create(
        Flashcard(user=pair.user, pair=pair, entry=e, state=1, step=0, due=now - timedelta(days=400)) for e in entries
    )


def seed_history(pair, cards: list[Flashcard], per_card: int, start, rng: random.Random, spacing=None) -> int:
    """Each card reviewed `per_card` times by `fsrs` itself (at its due time, mostly remembered); the
    events and the cards' final state written directly."""
    scheduler = Scheduler(enable_fuzzing=False)
    events = []
    for card in cards:
        state = Card(card_id=card.fsrs_card_id, due=start)
        when = start + timedelta(hours=rng.randint(0, 48))
        for _ in range(per_card):
            rating = (
                Rating.Again
                if rng.random() < 0.12
                else rng.choice([Rating.Good, Rating.Good, Rating.Hard, Rating.Easy])
            )
            state, _ = scheduler.review_card(state, rating, review_datetime=when)
            events.append(FlashcardEvent(card=card, user=pair.user, rating=int(rating), reviewed_at=when,
                                         state_before={}, state_after={}))  # fmt: skip
            step = spacing(rng) if spacing else max(state.due - when, timedelta(minutes=1))
            when = when + step + timedelta(hours=rng.randint(0, 20))
        card.state, card.step, card.stability, card.difficulty = (
            int(state.state),
            state.step,
            state.stability,
            state.difficulty,
        )
        card.due, card.last_review = state.due, state.last_review
    FlashcardEvent.objects.bulk_create(events, batch_size=5000)
    Flashcard.objects.bulk_update(
        cards, ["state", "step", "stability", "difficulty", "due", "last_review"], batch_size=2000
    )
    return len(events)


FIT_CHILD = """
import os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
import django
django.setup()
from flashcards.services import fsrs_parameters_fit
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
fit = fsrs_parameters_fit(pair_id=sys.argv[1], dry_run=True)
took = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{'fit, own process (dry run)':<48}{took:8.2f} s, peak RSS {peak:.0f} MB ({peak - before:+.0f} MB over a "
      f"process with Django loaded), {fit.reviews:,} reviews")
"""


def row(label: str, text: str) -> None:
    print(f"{label:<48}{text}")


def timed(fn, repeat: int = 1):
    times = []
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")
    setup_test_environment()
    db = settings.DATABASES["default"]
    db.setdefault("TEST", {})["NAME"] = f"{db['NAME']}_bench_replay"
    settings.FSRS_ENABLE_FUZZING = True
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rng = random.Random(42)
    try:
        user = Account.objects.create_user(email="bench-replay@example.com", password="x" * 12)
        pair = UserLanguagePair.objects.create(user=user, source_language="en", target_language="es")
        client = Client()
        auth = {"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}
        now = timezone.now()

        # 1. In memory: one card, 200 reviews.
        ratings = [rng.choice([1, 3, 3, 4]) for _ in range(200)]
        history = [HistoryReview(now - timedelta(hours=200 - i), r, str(i)) for i, r in enumerate(ratings)]
        scheduler = scheduler_for(None, 0.9)

        def replay():
            return flashcard_state_from_history(
                card_id=uuid.uuid4(), history=history, scheduler=scheduler, created_due=now
            )

        t, _ = timed(replay, repeat=20)
        row("replay of 200 reviews in memory", f"{t * 1000:8.2f} ms (median of 20)")

        # 2. A late review of a card with 200 reviews, over HTTP.
        (card,) = new_cards(pair, 1)
        spacing = lambda r: timedelta(minutes=r.randint(30, 200))  # noqa: E731
        seed_history(pair, [card], 200, now - timedelta(days=25), rng, spacing=spacing)
        lat = []
        for i in range(5):
            when = (now - timedelta(days=24, minutes=i)).isoformat()
            t0 = time.perf_counter()
            r = client.post(
                f"/api/flashcards/{card.pk}/reviews",
                {"rating": "good", "reviewed_at": when},
                content_type="application/json",
                **auth,
            )
            lat.append(time.perf_counter() - t0)
            if r.status_code != 201 or not r.json()["replayed"]:
                raise SystemExit(f"late review not replayed: {r.content!r}")
        row("late review of a 200-review card, HTTP", f"{statistics.median(lat) * 1000:8.2f} ms (median of 5)")

        # 3. Sync of 1,000 events over 100 cards: in order, then all late.
        cards = new_cards(pair, 100)
        start = now - timedelta(days=20)
        batch = [
            {
                "client_event_id": f"in-{c.pk}-{i}",
                "card": str(c.pk),
                "rating": rng.choice(["good", "good", "again", "easy"]),
                "reviewed_at": (start + timedelta(days=i, minutes=n)).isoformat(),
            }
            for n, c in enumerate(cards)
            for i in range(10)
        ]
        late_batch = [
            {
                **e,
                "client_event_id": e["client_event_id"].replace("in-", "late-"),
                "reviewed_at": (start - timedelta(days=5) + timedelta(minutes=i)).isoformat(),
            }
            for i, e in enumerate(batch)
        ]
        for label, events in (("in order", batch), ("all late: 100 replays", late_batch)):
            t0 = time.perf_counter()
            r = client.post("/api/flashcards/reviews/sync", {"events": events}, content_type="application/json", **auth)
            t = time.perf_counter() - t0
            body = r.json()
            replayed = sum(x["replayed"] for x in body["results"])
            row(f"sync 1,000 events / 100 cards, {label}", f"{t * 1000:8.1f} ms ({body['applied']} applied, "
                f"{replayed} replayed)")  # fmt: skip

        # 4. A learner with 50,000 reviews.
        big_user = Account.objects.create_user(email="bench-big@example.com", password="x" * 12)
        big = UserLanguagePair.objects.create(user=big_user, source_language="en", target_language="fr")
        t0 = time.perf_counter()
        n = seed_history(big, new_cards(big, 2500), 20, now - timedelta(days=700), rng)
        print(f"seeded {n:,} reviews over 2,500 cards in {time.perf_counter() - t0:.1f} s")
        # Fresh bulk-inserted tables have no planner statistics until autovacuum gets to them: without
        # this, GET stats took 31-58 s here instead of 0.5 s (bad plans, not the queries themselves).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        # The fit's memory in a process of its own: this one's peak is already the seeding's.
        login = db.get("USER") or "postgres"
        login += f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        user_host = f"{login}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        url = f"postgres://{user_host}/{db_name}"
        out = subprocess.run(
            [sys.executable, "-c", FIT_CHILD, str(big.pk)],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent.parent,
        )
        print(out.stdout.strip() or out.stderr[-2000:])
        t, fit = timed(lambda: fsrs_parameters_fit(pair_id=big.pk))
        row(f"fit (fsrs-rs), {fit.reviews:,} reviews", f"{t:8.2f} s (in this process), fitted={fit.fitted}")
        big.refresh_from_db()
        t, q = timed(lambda: fsrs_parameters_quality(pair=big))
        cur, dft = q["current"], q["defaults"]
        row("evaluation, fitted and defaults", f"{t:8.2f} s  log loss {cur['log_loss']} vs {dft['log_loss']}, "
            f"RMSE {cur['rmse']} vs {dft['rmse']}")  # fmt: skip
        t, work = timed(lambda: workload_simulation(pair=big))
        per_day = ", ".join(f"{r['desired_retention']:.2f}: {r['reviews_per_day_30']}" for r in work["retentions"])
        row("workload simulation, 5 retentions x 90 d", f"{t:8.2f} s  reviews/day over 30 d at {per_day}")
        t, res = timed(lambda: flashcards_reschedule(pair=big))
        row(f"reschedule {res.cards:,} cards ({n:,} reviews)", f"{t:8.2f} s, {res.changed:,} cards changed")
        t, res = timed(lambda: flashcards_reschedule(pair=big))
        row("reschedule again (nothing to change)", f"{t:8.2f} s, {res.changed:,} cards changed")
        big_auth = f"Bearer {RefreshToken.for_user(big_user).access_token}"
        t0 = time.perf_counter()
        r = client.get(f"/api/flashcards/stats?language_pair={big.pk}", HTTP_AUTHORIZATION=big_auth)
        t = time.perf_counter() - t0
        row("GET stats, 2,500 studied cards", f"{t * 1000:8.1f} ms (knowledge {r.json()['estimated_total_knowledge']})")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
