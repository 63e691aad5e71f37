"""Benchmark: `manage.py relemmatize` on a realistic word bank the old analyser built.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/langlearn .venv/bin/python bench/relemmatize.py [N]

In a database of its own (`<name>_bench_relemmatize`, dropped at the end): one learner's en→es word
bank of N (default 5,000) entries, the most frequent Spanish word forms (wordfreq) keyed as the old
lookup analyser keyed them (a form whose old key was taken was refused as "already present", as the
old add did), two cards each, 40% of the recognise cards with 6 reviews. Then times the command's
dry run, the run (re-key, merges with history replay) and a second run (nothing to do), and the
reader-token rebuild of a 2,000-word article. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
os.environ["DEBUG"] = "false"
os.environ.setdefault("LANGLEARN_TESTING", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from wordfreq import top_n_list  # noqa: E402

from accounts.models import Account  # noqa: E402
from articles.analysis import analyse_paragraphs, reader_tokens, split_paragraphs  # noqa: E402
from flashcards.models import Flashcard, FlashcardEvent  # noqa: E402
from flashcards.services import flashcards_create_for_entries  # noqa: E402
from langlearn import clients  # noqa: E402
from langlearn.clients.nlp import LookupPipeline  # noqa: E402
from vocab.models import LearnableWordBankEntry, UserLanguagePair  # noqa: E402


def row(label: str, value: str) -> None:
    print(f"  {label:<58} {value}")


def old_word_bank(n: int) -> list[tuple[str, str]]:
    """(text, old lemma) for the n most frequent Spanish forms whose old key was still free."""
    old = LookupPipeline("es")
    out, keys = [], set()
    for word in top_n_list("es", 60_000):
        if not word.isalpha() or len(word) < 2:
            continue
        lemma = old.lemma(old.nlp(word)[0]).lower()
        if lemma in keys:
            continue
        keys.add(lemma)
        out.append((word, lemma))
        if len(out) == n:
            break
    return out


def seed(pair: UserLanguagePair, words: list[tuple[str, str]], rng: random.Random) -> None:
    now = timezone.now()
    entries = LearnableWordBankEntry.objects.bulk_create(
        LearnableWordBankEntry(
            pair=pair, user=pair.user, text=text, lemma=lemma, normalized_lemma=lemma, translation=f"t-{text}",
            created_at=now - timedelta(days=len(words) - i),
        )
        for i, (text, lemma) in enumerate(words)
    )  # fmt: skip
    flashcards_create_for_entries(pair=pair, entry_ids=[e.pk for e in entries], now=now - timedelta(days=60))
    events = []
    for card in Flashcard.objects.filter(pair=pair, direction="recognise"):
        if rng.random() >= 0.4:
            continue
        when = now - timedelta(days=50, hours=rng.randint(0, 200))
        for _ in range(6):
            events.append(
                FlashcardEvent(
                    card=card, user=pair.user, rating=rng.choice([1, 3, 3, 3, 4]), reviewed_at=when,
                    state_before={}, state_after={},
                )
            )  # fmt: skip
            when += timedelta(days=rng.randint(1, 6))
    FlashcardEvent.objects.bulk_create(events, batch_size=5000)


def timed_command(*args: str) -> tuple[float, str]:
    out = StringIO()
    t0 = time.perf_counter()
    call_command("relemmatize", *args, stdout=out, stderr=StringIO())
    return time.perf_counter() - t0, out.getvalue()


def main() -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Run against PostgreSQL: set DATABASE_URL=postgres://...")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    setup_test_environment()
    db = settings.DATABASES["default"]
    original = db["NAME"]
    db.setdefault("TEST", {})["NAME"] = f"{original}_bench_relemmatize"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rng = random.Random(14)
    try:
        t0 = time.perf_counter()
        words = old_word_bank(n)
        user = Account.objects.create_user(email="bench-relemmatize@example.com", password="x" * 12)
        pair = UserLanguagePair.objects.create(user=user, source_language="en", target_language="es")
        seed(pair, words, rng)
        events = FlashcardEvent.objects.count()
        print(f"relemmatize on a word bank of {len(words)} entries ({events} reviews), PostgreSQL")
        row("seeding (old analyser + rows)", f"{time.perf_counter() - t0:8.1f} s")
        clients.get_nlp().analyze("casa", "es")  # the analyser's load is not the command's cost

        t, out = timed_command("--dry-run")
        row("dry run", f"{t:8.2f} s")
        t, out = timed_command("--batch-size", "500")
        summary = next(line for line in out.splitlines() if line.startswith("word bank:"))
        row("run", f"{t:8.2f} s  ({len(words) / t:,.0f} entries/s)")
        print(f"    {summary}")
        remaining = LearnableWordBankEntry.objects.filter(pair=pair).count()
        row("entries / reviews after", f"{remaining} / {FlashcardEvent.objects.count()} (reviews before: {events})")
        t, out = timed_command()
        row("second run (idempotent)", f"{t:8.2f} s")
        print("    " + next(line for line in out.splitlines() if line.startswith("word bank:")))

        text = " ".join(w for w, _ in words[:400]).capitalize() + ". "
        body = "\n\n".join([text * 1] * 5)  # ~2,000 words in 5 paragraphs
        paragraphs = split_paragraphs(body)
        nlp = clients.get_nlp()
        t0 = time.perf_counter()
        for _ in range(5):
            reader_tokens(analyse_paragraphs(nlp, paragraphs, "es"), paragraphs=paragraphs)
        per = (time.perf_counter() - t0) / 5
        words_in = sum(len(p.split()) for p in paragraphs)
        row(f"reader tokens of one {words_in}-word article", f"{per * 1000:8.1f} ms")
        row("  → 100,000 articles rebuilt inline", f"{per * 100_000 / 3600:8.1f} h")
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
