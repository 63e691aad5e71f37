"""Benchmark: the placement's two slow parts — lemmatising the frequency list, marking the words.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/langlearn .venv/bin/python bench/knowledge_placement.py \
        [--language es] [--forms 20000] [--known 20000] [--entries 5000] [--runs 10]

1. `knowledge.frequency.lemmatise_forms` over the `--forms` most frequent forms (no cache), and
   reading the cached lemma list back from its file.
2. `knowledge.services.statuses.new_words_mark` of the `--known` most frequent lemmas for a learner
   with `--entries` word-bank entries (two cards each) and 1,000 reader marks among those lemmas,
   next to another learner with the same: the single INSERT ... SELECT the final placement answer
   runs. Each run is rolled back; p50/p95/max over `--runs`. Also the old way (read the statuses,
   then `_apply` in chunks of 5,000) for comparison.
3. The word-statuses list (`knowledge.listing.word_statuses_page`, one UNION ALL query a page) for
   that learner once marked: the first page, a page from the middle, and filtered pages.

Seeds a database of its own (`<name>_bench_placement`, dropped at the end). Prints figures, asserts
nothing.
"""

from __future__ import annotations

import argparse
import os
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
from django.db import connection, transaction  # noqa: E402

from accounts.models import Account  # noqa: E402
from flashcards.services import flashcards_create_for_entries  # noqa: E402
from knowledge.frequency import lemmatise_forms, ranked_lemmas, ranked_words  # noqa: E402
from knowledge.models import Status, StatusSource  # noqa: E402
from knowledge.selectors import word_statuses  # noqa: E402
from knowledge.services.statuses import _apply, new_words_mark, word_statuses_set  # noqa: E402
from vocab.models import LearnableWordBankEntry, UserLanguagePair  # noqa: E402


def seed(language: str, entries: int) -> UserLanguagePair:
    user = Account.objects.create_user(email=f"bench-{uuid.uuid4().hex[:8]}@example.com", password="x" * 12)
    pair = UserLanguagePair.objects.create(user=user, source_language="en", target_language=language, level="B2")
    lemmas = ranked_lemmas(language)
    bank = lemmas[::4][:entries]  # spread over the list, so the marking meets them
    LearnableWordBankEntry.objects.bulk_create(
        [LearnableWordBankEntry(user=user, pair=pair, text=w, lemma=w, normalized_lemma=w) for w in bank]
    )
    ids = list(LearnableWordBankEntry.objects.filter(pair=pair).values_list("id", flat=True))
    flashcards_create_for_entries(pair=pair, entry_ids=ids)
    word_statuses_set(pair=pair, words=[(w, "ignored") for w in lemmas[1::20][:1000]])
    return pair


def old_way(pair: UserLanguagePair, keys: list[str]) -> int:
    batch, changed = uuid.uuid4(), 0
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        current = word_statuses(pair=pair, keys=chunk)
        targets = {k: Status.KNOWN.value for k in chunk if k not in current}
        changed += _apply(pair=pair, targets=targets, current=current, source=StatusSource.PLACEMENT, batch=batch)
    return changed


def timed_runs(runs: int, fn) -> tuple[list[float], int]:
    times, result = [], 0
    for _ in range(runs):
        with transaction.atomic():
            t0 = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)
    return sorted(times), result


def show(name: str, times: list[float], result: int) -> None:
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"  {name}: {result:,} marked; p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms"
    )


def listing(pair: UserLanguagePair, keys: list[str], runs: int) -> None:
    from knowledge.listing import Position, word_statuses_page

    middle = Position(sorted(keys)[len(keys) // 2], str(pair.pk))
    cases = {
        "first page": {},
        "middle page": {"position": middle},
        "known, word bank only": {"status": "known", "source": "word_bank"},
        "learning (middle)": {"status": "learning", "position": middle},
        "search 'con'": {"search": "con"},
    }
    print(f"word-statuses list, page of 20 ({runs} runs each):")
    for name, extra in cases.items():
        times, db_times = [], []
        for _ in range(runs):
            db = [0.0]

            def timed(execute, sql, params, many, context, db=db):
                t = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    db[0] += time.perf_counter() - t

            t0 = time.perf_counter()
            with connection.execute_wrapper(timed):
                rows = word_statuses_page(user=pair.user, pair_id=pair.pk, size=20, **extra).rows
            times.append((time.perf_counter() - t0) * 1000)
            db_times.append(db[0] * 1000)
        print(
            f"  {name}: {len(rows)} rows; call p50 {statistics.median(times):.1f} ms, "
            f"of which the database p50 {statistics.median(db_times):.1f} ms (max {max(db_times):.1f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--language", default="es")
    parser.add_argument("--forms", type=int, default=20_000)
    parser.add_argument("--known", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--skip", choices=["lemmatise"], action="append", default=[], help="leave a part out")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL=postgres://...).")

    if "lemmatise" not in args.skip:
        forms = list(ranked_words(args.language)[: args.forms])
        t0 = time.perf_counter()
        lemmas = lemmatise_forms(forms, args.language)
        took = time.perf_counter() - t0
        print(
            f"lemmatising {len(forms):,} {args.language} forms (no cache): {took:.1f} s "
            f"({took / len(forms) * 1000:.2f} ms a form) -> {len(set(lemmas.values())):,} lemmas"
        )
    ranked_lemmas(args.language)  # builds the cache file when missing
    ranked_lemmas.cache_clear()
    t0 = time.perf_counter()
    listed = ranked_lemmas(args.language)
    print(
        f"ranked lemma list from the cache file: {len(listed):,} lemmas in {(time.perf_counter() - t0) * 1000:.0f} ms"
    )

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"{settings.DATABASES['default']['NAME']}_bench_placement"
    )
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        pair = seed(args.language, args.entries)
        seed(args.language, args.entries)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        keys = list(listed[: args.known])
        print(
            f"marking the {len(keys):,} most frequent lemmas known, {args.entries:,} word-bank entries, "
            f"{args.runs} runs"
        )
        show(
            "new_words_mark (one INSERT ... SELECT)",
            *timed_runs(
                args.runs,
                lambda: new_words_mark(
                    pair=pair, keys=keys, status=Status.KNOWN, source=StatusSource.PLACEMENT, batch=uuid.uuid4()
                ),
            ),
        )
        show(
            "old way (read statuses, _apply per 5,000)",
            *timed_runs(max(3, args.runs // 3), lambda: old_way(pair, keys)),
        )
        new_words_mark(pair=pair, keys=keys, status=Status.KNOWN, source=StatusSource.PLACEMENT, batch=uuid.uuid4())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        listing(pair, keys, args.runs)
    finally:
        connection.creation.destroy_test_db(db_name, verbosity=0)


if __name__ == "__main__":
    main()
