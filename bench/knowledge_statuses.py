"""Benchmark: a learner's statuses and coverage for a 2,000-token text.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/langlearn .venv/bin/python bench/knowledge_statuses.py \
        [--known 20000] [--entries 5000] [--runs 50]

Seeds, in a database of its own (`<name>_bench_knowledge`, dropped at the end): a learner whose
pair has `--known` words marked known (the most frequent Spanish words, written by the placement
service's own code path, timed) and `--entries` word-bank entries with two cards each; another
learner with the same, so the indexes must do the filtering. Then, for a 2,000-token text drawn
from the 30,000 most frequent words, measures `knowledge.coverage.coverage_measure`: the time
spent in the database (the two status queries, summed from the query wrapper) and the whole call,
p50/p95/max over `--runs`, and prints the EXPLAIN ANALYZE of both queries. Not a test: it prints
figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
os.environ["DEBUG"] = "false"
os.environ.setdefault("LANGLEARN_TESTING", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Account  # noqa: E402
from flashcards.services import flashcards_create_for_entries  # noqa: E402
from knowledge.coverage import coverage_measure  # noqa: E402
from knowledge.frequency import ranked_words  # noqa: E402
from knowledge.models import Status, StatusSource  # noqa: E402
from knowledge.selectors import word_statuses  # noqa: E402
from knowledge.services.statuses import _apply  # noqa: E402
from langlearn.clients.base import Analysis, Sentence, Token  # noqa: E402
from vocab.models import LearnableWordBankEntry, UserLanguagePair  # noqa: E402


def seed_learner(known: int, entries: int) -> tuple[UserLanguagePair, float]:
    user = Account.objects.create_user(email=f"bench-{uuid.uuid4().hex[:8]}@example.com", password="x" * 12)
    pair = UserLanguagePair.objects.create(user=user, source_language="en", target_language="es", level="B2")
    words = ranked_words("es")
    t0 = time.perf_counter()
    keys = list(dict.fromkeys(words[:known]))
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        current = word_statuses(pair=pair, keys=chunk)
        targets = {k: Status.KNOWN.value for k in chunk if k not in current}
        _apply(pair=pair, targets=targets, current=current, source=StatusSource.PLACEMENT, batch=uuid.uuid4())
    marking = time.perf_counter() - t0
    bank = words[known : known + entries]
    LearnableWordBankEntry.objects.bulk_create(
        [LearnableWordBankEntry(user=user, pair=pair, text=w, lemma=w, normalized_lemma=w) for w in bank]
    )
    ids = list(LearnableWordBankEntry.objects.filter(pair=pair).values_list("id", flat=True))
    flashcards_create_for_entries(pair=pair, entry_ids=ids)
    return pair, marking


def text(rng: random.Random, tokens: int = 2000) -> Analysis:
    pool = ranked_words("es")[:30000]
    sentences = []
    for _ in range(tokens // 20):
        toks = [
            Token(text=w, whitespace=" ", lemma=w, pos="", is_alpha=True, is_punct=False, is_digit=False)
            for w in (rng.choice(pool) for _ in range(20))
        ]
        sentences.append(Sentence(text=" ".join(t.text for t in toks), tokens=toks))
    return Analysis(language="es", sentences=sentences, pipeline="bench")


class QueryTimer:
    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0
            self.count += 1


def explain(pair: UserLanguagePair, analysis: Analysis) -> None:
    """The server's own figures (planning + execution) for the two status queries."""
    from django.db.models import Count

    from knowledge.models import WordStatusMark
    from langlearn.lookups import in_values
    from vocab.models import LearnableWordBankEntry

    keys = {t.lemma for t in analysis.tokens}
    queries = {
        "marks": WordStatusMark.objects.filter(in_values("key", keys), pair=pair).values_list("key", "status"),
        "word bank": LearnableWordBankEntry.objects.filter(in_values("normalized_lemma", keys), pair=pair)
        .values("normalized_lemma")
        .annotate(cards=Count("flashcards")),
    }
    total = 0.0
    for name, qs in queries.items():
        lines = qs.explain(analyze=True).splitlines()
        ms = sum(float(line.split(":")[1].split()[0]) for line in lines if line.startswith(("Planning", "Execution")))
        total += ms
        print(f"  EXPLAIN ANALYZE {name}: {ms:.1f} ms (planning + execution); {lines[0][:100]}")
    print(f"  at the database, both queries: {total:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--known", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://...).")
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"{settings.DATABASES['default']['NAME']}_bench_knowledge"
    )
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        t0 = time.perf_counter()
        pair, marking = seed_learner(args.known, args.entries)
        seed_learner(args.known, args.entries)  # another learner with the same words
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"database {db_name}: seeded 2 learners in {time.perf_counter() - t0:.1f} s; "
            f"marking {args.known:,} words known (placement's code path) took {marking * 1000:.0f} ms"
        )
        rng = random.Random(7)
        analysis = text(rng)
        db_ms, total_ms, queries = [], [], 0
        coverage = None
        for _ in range(args.runs):
            timer = QueryTimer()
            t0 = time.perf_counter()
            with connection.execute_wrapper(timer):
                coverage = coverage_measure(pair=pair, analysis=analysis)
            total_ms.append((time.perf_counter() - t0) * 1000)
            db_ms.append(timer.seconds * 1000)
            queries = timer.count
        db_ms.sort()
        total_ms.sort()

        def pct(xs: list[float], p: float) -> float:
            return xs[min(len(xs) - 1, int(len(xs) * p))]

        print(
            f"2,000-token text ({len({t.lemma for t in analysis.tokens}):,} distinct words), "
            f"{args.known:,} known + {args.entries:,} word-bank entries, {args.runs} runs, {queries} queries each"
        )
        print(
            f"  database time: p50 {statistics.median(db_ms):.1f} ms, p95 {pct(db_ms, 0.95):.1f} ms, "
            f"max {db_ms[-1]:.1f} ms"
        )
        print(
            f"  coverage_measure total: p50 {statistics.median(total_ms):.1f} ms, p95 {pct(total_ms, 0.95):.1f} ms, "
            f"max {total_ms[-1]:.1f} ms"
        )
        print(f"  coverage: {coverage.summary()}")
        explain(pair, analysis)
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
