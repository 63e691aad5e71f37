"""Benchmark: the coverage loop's own cost per round, for a 600-word article.

A round is: measure the best draft (NLP analysis of the text + the word-bank queries), decide,
build the revision prompt — then the LLM call (300 ms with the fake providers of
bench/articles_pipeline.py; not timed here, it is the provider's time, not ours). Target: the
round's own work ≤ 50 ms on a 600-word text.

    .venv/bin/python bench/leveling_round.py [--words 600] [--bank 5000] [--runs 30]

Uses its own PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/langlearn_bench_leveling; created and migrated if missing).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.adventures_tree import ensure_database  # noqa: E402

WORDS = [
    "el",
    "gato",
    "come",
    "pescado",
    "en",
    "la",
    "casa",
    "grande",
    "y",
    "el",
    "perro",
    "duerme",
    "en",
    "el",
    "jardín",
    "mientras",
    "la",
    "mujer",
    "lee",
    "un",
    "libro",
    "sobre",
    "el",
    "río",
    "que",
    "cruza",
    "la",
    "ciudad",
    "vieja",
    "donde",
    "los",
    "barcos",
    "llegan",
    "cada",
    "mañana",
    "con",
    "frutas",
    "flores",
    "y",
    "pan",
]


def configure() -> None:
    db_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/langlearn_bench_leveling")
    ensure_database(db_url)
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "langlearn.settings", "DATABASE_URL": db_url, "LANGLEARN_TESTING": "0",
         "BROKER_URL": "", "LOG_LEVEL": "WARNING"}
    )  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def text_of(words: int, rng: random.Random) -> str:
    sentences, out = [], []
    for _ in range(words):
        out.append(rng.choice([*WORDS, f"palabra{rng.randint(0, 3000)}"]))
        if len(out) >= 12:
            sentences.append(" ".join(out).capitalize() + ".")
            out = []
    if out:
        sentences.append(" ".join(out).capitalize() + ".")
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--bank", type=int, default=5000, help="word-bank entries of the learner")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    configure()

    from accounts.models import Account
    from articles.leveling import article_draft_fit as measure_draft
    from articles.prompts import revision_prompt
    from langlearn import leveling
    from langlearn.clients import get_nlp
    from vocab.models import LearnableWordBankEntry, UserLanguagePair

    user, _ = Account.objects.get_or_create(email="bench-leveling@example.com")
    pair, _ = UserLanguagePair.objects.get_or_create(user=user, source_language="en", target_language="es")
    have = LearnableWordBankEntry.objects.filter(pair=pair).count()
    if have < args.bank:
        words = [*WORDS[:20], *(f"palabra{i}" for i in range(args.bank))]
        LearnableWordBankEntry.objects.bulk_create(
            [LearnableWordBankEntry(user=user, pair=pair, text=w, lemma=w, normalized_lemma=w) for w in words[have:]],
            ignore_conflicts=True,
        )
    rng = random.Random(7)
    body = text_of(args.words, rng)
    nlp = get_nlp()
    measure_draft(pair=pair, body=body, nlp=nlp, target_words=["gato"])  # load the pipeline once
    settings_now = {"coverage_target": 0.99, "new_words_per_100": 3.0, "revision_rounds": 2}
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        fit = measure_draft(pair=pair, body=body, nlp=nlp, target_words=["gato", "perro"])
        outputs = {"write": {"title": "T", "body": body, "fit": fit}}
        leveling.round_decision(outputs, round_number=1, settings=settings_now)
        revision_prompt(
            title="T", body=body, target_language="es", learner_language="en", level="A2",
            coverage=fit["ratio"], target=0.99, unknown=leveling.unknown_to_name(fit, keep=[]), keep=["gato"],
            new_words_allowed=leveling.new_words_allowed(fit["tokens"], 3.0),
        )  # fmt: skip
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"text                     {len(body.split())} words, {fit['tokens']} content words")
    print(f"word bank                {LearnableWordBankEntry.objects.filter(pair=pair).count()} entries")
    print(f"measured by              {fit['measured_by']}; coverage {fit['ratio']}")
    p95 = times[int(len(times) * 0.95) - 1]
    median = statistics.median(times)
    print(f"round's own work         median {median:.1f} ms, p95 {p95:.1f} ms over {args.runs} runs (target <= 50 ms)")
    print("plus the LLM call        300 ms with bench/articles_pipeline.py's fake providers")


if __name__ == "__main__":
    main()
