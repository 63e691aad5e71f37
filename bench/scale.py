"""Benchmark: the due queue and the home screen for learners of 1k, 100k and 1M cards among 2,000 others.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/langlearn .venv/bin/python bench/scale.py \
        [--learners 2000] [--cards-each 800] [--sizes 1000,100000,1000000] [--requests 40] [--keep]

Seeds, server-side (INSERT ... SELECT over generate_series, no row crosses the wire), in a database
of its own (`<name>_bench_scale`; kept with --keep so a second run skips seeding): `--learners`
background learners of `--cards-each` cards, then one learner per size. Each learner has one pair;
30% of the cards are new, the rest studied (review/learning/relearning, due from 30 days ago to 60
ahead) with one review event each over the last 90 days, plus a few first reviews today. Then
measures `GET /api/flashcards/due` and `GET /bff/home` for each sized learner through the full
middleware stack (django.test.Client, JWT, DEBUG off, persistent connection) and prints p50/p99 per
size and view, with the ratio p50(largest) / p50(smallest) last (target ≤ 2). Not a test: it prints
figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
os.environ["DEBUG"] = "false"
os.environ["CONN_MAX_AGE"] = "600"
os.environ["THROTTLE_USER"] = "1000000000/min"
os.environ.setdefault("LANGLEARN_TESTING", "0")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from accounts.models import Account  # noqa: E402
from vocab.models import UserLanguagePair  # noqa: E402

# One statement per table, each over every learner whose e-mail starts with the prefix given.
SEED_SQL = [
    """INSERT INTO accounts_account (id, password, is_superuser, email, display_name, time_zone, is_staff,
           is_active, date_joined)
       SELECT gen_random_uuid(), '!', false, %(prefix)s || g || '@example.com', '', 'UTC', false, true, now()
       FROM generate_series(1, %(learners)s) g""",
    """INSERT INTO vocab_userlanguagepair (id, created_at, updated_at, user_id, source_language, target_language,
           level, is_active, daily_new_cards, production_cards_enabled, desired_retention, fsrs_parameters,
           fsrs_parameters_fitted_at, fsrs_reviews_at_fit, review_count)
       SELECT gen_random_uuid(), now(), now(), a.id, 'en', 'es', 'B1', true, 20, true, 0.9, NULL, NULL, 0, 0
       FROM accounts_account a WHERE a.email LIKE %(prefix)s || '%%'""",
    """INSERT INTO vocab_learnablewordbankentry (id, created_at, updated_at, user_id, pair_id, text, lemma,
           normalized_lemma, part_of_speech, translation, example_sentence, example_translation, audio, source)
       SELECT gen_random_uuid(), now(), now(), p.user_id, p.id, 'palabra' || g, 'palabra' || g, 'palabra' || g,
           'NOUN', 'word ' || g, 'Una frase con palabra' || g || '.', 'A sentence with word ' || g || '.', '',
           'manual'
       FROM vocab_userlanguagepair p JOIN accounts_account a ON a.id = p.user_id,
           generate_series(1, %(entries)s) g
       WHERE a.email LIKE %(prefix)s || '%%'""",
    # r: one random draw per card; < 0.3 new, else studied (review/learning/relearning).
    """INSERT INTO flashcards_flashcard (id, created_at, updated_at, user_id, pair_id, entry_id, direction, state,
           step, stability, difficulty, due, last_review, suspended)
       SELECT gen_random_uuid(), now(), now(), e.user_id, e.pair_id, e.id, d.direction,
           CASE WHEN r < 0.3 THEN 1 WHEN r < 0.8 THEN 2 WHEN r < 0.9 THEN 1 ELSE 3 END,
           CASE WHEN r >= 0.3 AND r < 0.8 THEN NULL ELSE 0 END,
           CASE WHEN r < 0.3 THEN NULL ELSE 0.5 + r * 200 END,
           CASE WHEN r < 0.3 THEN NULL ELSE 1 + r * 9 END,
           CASE WHEN r < 0.3 THEN now() - r * interval '60 days'
                ELSE now() + (((r * 7919) - floor(r * 7919)) * 90 - 30) * interval '1 day' END,
           CASE WHEN r < 0.3 THEN NULL
                ELSE now() - (1 + ((r * 104729) - floor(r * 104729)) * 89) * interval '1 day' END,
           r > 0.98
       FROM (SELECT e.*, random() AS r0 FROM vocab_learnablewordbankentry e
             JOIN accounts_account a ON a.id = e.user_id WHERE a.email LIKE %(prefix)s || '%%') e
       CROSS JOIN (VALUES ('recognise'), ('produce')) d(direction)
       CROSS JOIN LATERAL (SELECT e.r0 + CASE d.direction WHEN 'produce' THEN 0.37 ELSE 0 END AS r1) x1
       CROSS JOIN LATERAL (SELECT x1.r1 - floor(x1.r1) AS r) x""",
    # One event per studied card, at its last review.
    """INSERT INTO flashcards_flashcardevent (id, rating, reviewed_at, duration_ms, state_before, state_after,
           client_event_id, created_at, card_id, user_id)
       SELECT gen_random_uuid(), CASE WHEN c.stability < 20 THEN 1 ELSE 3 END, c.last_review, 4000,
           jsonb_build_object('state', 2, 'last_review', to_jsonb(c.last_review - interval '7 days')),
           jsonb_build_object('state', c.state, 'last_review', to_jsonb(c.last_review)), NULL, now(), c.id, c.user_id
       FROM flashcards_flashcard c JOIN accounts_account a ON a.id = c.user_id
       WHERE a.email LIKE %(prefix)s || '%%' AND c.last_review IS NOT NULL""",
    # Five first reviews today per learner: the daily new-card count has rows to count.
    """INSERT INTO flashcards_flashcardevent (id, rating, reviewed_at, duration_ms, state_before, state_after,
           client_event_id, created_at, card_id, user_id)
       SELECT gen_random_uuid(), 3, now() - interval '5 minutes', 4000, '{"state": 1, "last_review": null}',
           '{"state": 1}', NULL, now(), c.id, c.user_id
       FROM (SELECT c.*, row_number() OVER (PARTITION BY c.user_id ORDER BY c.id) AS n
             FROM flashcards_flashcard c JOIN accounts_account a ON a.id = c.user_id
             WHERE a.email LIKE %(prefix)s || '%%' AND c.last_review IS NOT NULL) c
       WHERE c.n <= 5""",
]


def with_model_defaults(sql: str) -> tuple[str, dict[str, Any]]:
    """`sql` with every column it leaves out that the model fills with a default (columns other
    apps add later, e.g. a pair's coverage target) appended to its column list and SELECT list, so
    the seed keeps up with the models. The SELECT list is the text before the first top-level
    `\n       FROM` (how SEED_SQL is laid out)."""
    table, columns = re.match(r"INSERT INTO (\w+) \(([^)]*)\)", sql).groups()
    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    named = {c.strip() for c in columns.split(",")}
    extra = {
        f.column: f.get_db_prep_save(f.get_default(), connection)
        for f in model._meta.concrete_fields
        if f.column not in named and f.has_default()
    }
    if not extra:
        return sql, {}
    head, sep, tail = sql.partition("\n       FROM")
    head = head.replace(f"({columns})", f"({columns}, {', '.join(extra)})", 1)
    head += "".join(f", %(default_{c})s" for c in extra)
    return head + sep + tail, {f"default_{c}": value for c, value in extra.items()}


def seed_group(prefix: str, learners: int, cards_each: int) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in SEED_SQL:
            sql, defaults = with_model_defaults(sql)
            params = {"prefix": prefix, "learners": learners, "entries": max(1, cards_each // 2), **defaults}
            cursor.execute(sql, params)
    return time.perf_counter() - start


def seed(args) -> None:
    t = seed_group("scale-bg-", args.learners, args.cards_each)
    print(f"seeded {args.learners:,} learners x {args.cards_each:,} cards in {t:.1f} s", flush=True)
    for size in args.sizes:
        t = seed_group(f"scale-{size}-", 1, size)
        print(f"seeded a learner of {size:,} cards in {t:.1f} s", flush=True)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE in {time.perf_counter() - t:.1f} s", flush=True)


def measure(client: Client, url: str, n: int, headers: dict) -> list[float]:
    client.get(url, **headers)  # warm up
    latencies = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url, **headers)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}: {response.content[:300]!r}")
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--cards-each", type=int, default=800)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--requests", type=int, default=40, help="per size and view (and round)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds over the sizes")
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it next time)")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")

    setup_test_environment()
    database = settings.DATABASES["default"]
    database.setdefault("TEST", {})["NAME"] = f"{database['NAME']}_bench_scale"
    db_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=not args.keep, keepdb=args.keep, serialize=False
    )
    try:
        if not Account.objects.filter(email__startswith=f"scale-{args.sizes[-1]}-").exists():
            start = time.perf_counter()
            seed(args)
            print(f"seeding took {time.perf_counter() - start:.1f} s in all", flush=True)
        else:
            print(f"database {db_name}: reusing the seeded learners")
        learners = {}
        for size in args.sizes:
            user = Account.objects.get(email__startswith=f"scale-{size}-")
            pair = UserLanguagePair.objects.get(user=user)
            learners[size] = ({"HTTP_AUTHORIZATION": f"Bearer {RefreshToken.for_user(user).access_token}"}, pair)
        client = Client()
        views = {"due": "/api/flashcards/due?language_pair={pair}", "home": "/bff/home"}
        lat: dict[tuple[str, int], list[float]] = {(v, s): [] for v in views for s in args.sizes}
        for _ in range(args.rounds):
            for size in args.sizes:
                headers, pair = learners[size]
                for view, url in views.items():
                    lat[view, size] += measure(client, url.format(pair=pair.pk), args.requests, headers)
        print(f"{'view':<6}{'cards':>11}{'p50 ms':>10}{'p99 ms':>10}")
        for view in views:
            for size in args.sizes:
                values = sorted(lat[view, size])
                p50, p99 = statistics.median(values) * 1000, values[int(0.99 * (len(values) - 1))] * 1000
                print(f"{view:<6}{size:>11,}{p50:>10.2f}{p99:>10.2f}")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        small, big = args.sizes[0], args.sizes[-1]
        ratios = ", ".join(
            f"{view} {statistics.median(lat[view, big]) / statistics.median(lat[view, small]):.2f}" for view in views
        )
        print(f"p50 ratio {big:,} / {small:,} cards: {ratios} (target ≤ 2)")
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
