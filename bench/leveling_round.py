"""Benchmark: the coverage loop for a 600-word article — its own cost per round, and what it does
to coverage over N scripted drafts.

1. Cost per round. A round is: measure the best draft (NLP analysis of the text + the coverage
   engine's word-status queries, `langlearn.leveling.measure_draft`), decide, build the revision
   prompt — then the LLM call (300 ms with the fake providers of bench/articles_pipeline.py; not
   timed here, it is the provider's time, not ours). Target: the round's own work <= 50 ms.
2. Coverage before/after. N first drafts of 600 words with 5-30% words the learner does not know
   go through the real loop (`round_decision`, the revision prompt's named lemmas, `best_index`)
   with a scripted reviser standing in for the LLM: it replaces each word whose lemma the prompt
   names by a word the learner knows, but only `--obedience` of them (an LLM does not do all it is
   told), and keeps the `new_words_allowed` the prompt allows.

    .venv/bin/python bench/leveling_round.py [--words 600] [--bank 5000] [--runs 30] [--drafts 20]

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


def as_text(words: list[str]) -> str:
    """Sentences of 12 words, paragraphs of 5 sentences."""
    sentences = [" ".join(words[i : i + 12]).capitalize() + "." for i in range(0, len(words), 12)]
    return "\n\n".join(" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5))


def text_of(words: int, rng: random.Random) -> str:
    return as_text([rng.choice([*WORDS, f"palabra{rng.randint(0, 3000)}"]) for _ in range(words)])


# Words this learner does not know (not in the bench word bank): what a too-hard draft is made of.
UNKNOWN = [
    "libro", "río", "cruza", "ciudad", "vieja", "barcos", "llegan",
    "mañana", "frutas", "flores", "pan", "montaña", "nieve", "tormenta", "campesino", "cosecha", "puente",
    "camino", "bosque", "lobo", "castillo", "reina", "espada", "tesoro", "mercado", "pescador", "volcán",
    "tejado", "abuela", "cuchara", "ventana",
]  # fmt: skip
KNOWN_CONTENT = ["gato", "come", "pescado", "casa", "grande", "perro", "duerme"]


def draft_of(words: int, unknown_share: float, rng: random.Random) -> str:
    """A first draft: known words and function words, with `unknown_share` of unknown content words."""
    out = []
    for _ in range(words):
        roll = rng.random()
        if roll < unknown_share:
            out.append(rng.choice(UNKNOWN))
        elif roll < 0.55:
            out.append(rng.choice([*KNOWN_CONTENT, f"palabra{rng.randint(0, 3000)}"]))
        else:
            out.append(rng.choice(["el", "la", "en", "y", "un", "con", "que", "de"]))
    return as_text(out)


def scripted_revision(body: str, *, named: list[str], allowed: int, obedience: float, nlp, rng) -> str:
    """What the revision prompt asks, done imperfectly: a word whose lemma (or form) is named is
    replaced by a known word with probability `obedience`; the first `allowed` named lemmas stay."""
    from vocab.keys import normalize_key

    replace = {normalize_key(w) for w in named[allowed:]}
    paragraphs = []
    for paragraph in body.split("\n\n"):
        pieces = []
        for token in nlp.analyze(paragraph, "es").tokens:
            hit = normalize_key(token.lemma or "") in replace or normalize_key(token.text) in replace
            text = rng.choice(KNOWN_CONTENT) if hit and rng.random() < obedience else token.text
            pieces.append(text + token.whitespace)
        paragraphs.append("".join(pieces).strip())
    return "\n\n".join(paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--bank", type=int, default=5000, help="word-bank entries of the learner")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--drafts", type=int, default=20, help="scripted first drafts for the coverage figures")
    parser.add_argument("--target", type=float, default=0.95)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--obedience", type=float, default=0.7, help="share of named words the reviser replaces")
    args = parser.parse_args()
    configure()

    from accounts.models import Account
    from articles.leveling import article_draft_fit
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
    article_draft_fit(pair=pair, body=body, nlp=nlp, target_words=["gato"])  # load the pipeline once
    settings_now = {"coverage_target": 0.99, "new_words_per_100": 3.0, "revision_rounds": 2}

    # 1. The round's own work, and the measure alone (analysis + engine) and the engine alone.
    times, measures, engine, cpu = [], [], [], []
    for _ in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        fit = article_draft_fit(pair=pair, body=body, nlp=nlp, target_words=["gato", "perro"])
        measured = time.perf_counter()
        cpu.append((time.process_time() - cpu_started) * 1000)
        outputs = {"write": {"title": "T", "body": body, "fit": fit}}
        leveling.round_decision(outputs, round_number=1, settings=settings_now)
        named = leveling.unknown_to_name(fit, keep=["gato"])
        revision_prompt(
            title="T", body=body, target_language="es", learner_language="en", level="A2",
            coverage=fit["ratio"], target=0.99, unknown=named, keep=["gato"],
            new_words_allowed=leveling.allowed_to_stay(fit, named=named, keep=["gato"], per_100=3.0, target=0.99),
        )  # fmt: skip
        times.append((time.perf_counter() - started) * 1000)
        measures.append((measured - started) * 1000)
        engine.append(fit["measure_ms"])

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.95) - 1)]

    print(f"text                     {len(body.split())} words, {fit['tokens']} content words")
    print(f"word bank                {LearnableWordBankEntry.objects.filter(pair=pair).count()} entries")
    print(f"measured by              {fit['measured_by']}; coverage {fit['ratio']}")
    print(f"measure_draft            median {statistics.median(measures):.1f} ms, p95 {p95(measures):.1f} ms "
          f"(of which the engine's queries and counting: median {statistics.median(engine):.1f} ms)")  # fmt: skip
    # On a shared machine the wall time includes waiting for a core; the CPU time does not.
    print(f"measure_draft CPU time   median {statistics.median(cpu):.1f} ms (load average {os.getloadavg()[0]:.1f})")
    print(
        f"round's own work         median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms "
        f"over {args.runs} runs (target <= 50 ms)"
    )
    print("plus the LLM call        300 ms with bench/articles_pipeline.py's fake providers")

    # 2. Coverage before/after over scripted drafts.
    settings_now = {"coverage_target": args.target, "new_words_per_100": 3.0, "revision_rounds": args.rounds}
    befores, afters, rounds, reached = [], [], [], 0

    def measure(text: str) -> dict:
        return article_draft_fit(pair=pair, body=text, nlp=nlp, target_words=[])

    for n in range(args.drafts):
        draft_rng = random.Random(100 + n)
        first = draft_of(args.words, 0.05 + 0.25 * n / max(1, args.drafts - 1), draft_rng)
        outputs = {"write": {"title": "T", "body": first, "fit": measure(first)}}
        for number, step in enumerate(leveling.ROUND_STEPS, start=1):
            draft, _why = leveling.round_decision(outputs, round_number=number, settings=settings_now)
            if draft is None:
                break
            fit = draft["fit"]
            named = leveling.unknown_to_name(fit, keep=[])
            revised = scripted_revision(
                draft["body"],
                named=named,
                allowed=leveling.allowed_to_stay(
                    fit, named=named, keep=[], per_100=settings_now["new_words_per_100"], target=args.target
                ),
                obedience=args.obedience,
                nlp=nlp,
                rng=draft_rng,
            )
            outputs[step] = {"title": "T", "body": revised, "fit": measure(revised)}
        drafts = leveling.drafts_done(outputs)
        report = leveling.report(drafts, settings=settings_now, target_words=[])
        befores.append(report["coverage_before"])
        afters.append(report["coverage_after"])
        rounds.append(report["rounds_used"])
        reached += not report["below_target"]
    print(
        f"scripted drafts          {args.drafts} first drafts of {args.words} words, 5-30% unknown words; "
        f"target {args.target}, up to {args.rounds} rounds, reviser obeys {args.obedience:.0%}"
    )
    print(
        f"coverage before          mean {statistics.mean(befores):.3f}  min {min(befores):.3f}  max {max(befores):.3f}"
    )
    print(f"coverage after           mean {statistics.mean(afters):.3f}  min {min(afters):.3f}  max {max(afters):.3f}")
    print(
        f"rounds used              mean {statistics.mean(rounds):.2f}  "
        f"({', '.join(f'{k}: {rounds.count(k)}' for k in sorted(set(rounds)))}); "
        f"reached the target {reached}/{args.drafts}"
    )


if __name__ == "__main__":
    main()
