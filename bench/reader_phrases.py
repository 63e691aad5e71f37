"""Benchmark: finding a learner's own phrases in a reader text (per request, CPU only).

    UD_DATA=../shared/data/ud .venv/bin/python bench/reader_phrases.py [--tokens 2000] [--repeat 5]

The text: the first ~2,000 tokens of the Spanish UD dev treebank (`../shared/data/ud/es_gsd-ud-dev.conllu`,
CC BY-SA 4.0, read in place), analysed once as the reader stores it. The learner's phrases: N
two-to-four-word sequences (as lemmas) cut from later sentences of the same treebank, so their words
are common and many pass a word-by-word test without the phrase being in the text, plus 10 cut from
the text itself (which must be found). Prints, for N = 50, 500, 2,000, the time of
`langlearn.nlp.expressions.units.find_phrases` (the set test, then the matcher on the candidates)
against the matcher over every phrase (`langlearn.nlp.expressions.find`), how many phrases each
found, and the time to make the units non-overlapping and the text collapsed for counting. The
phrase analyses are cached per process (as in a worker); the first, uncached pass is printed apart.
Not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")

import django

django.setup()

from langlearn import clients  # noqa: E402
from langlearn.nlp import expressions  # noqa: E402
from langlearn.nlp.expressions.units import Unit, collapse, find_phrases, non_overlapping  # noqa: E402
from langlearn.nlp.train import DEFAULT_DATA  # noqa: E402  (UD_DATA overrides it, e.g. in a worktree)

TREEBANK = DEFAULT_DATA / "es_gsd-ud-dev.conllu"


def sentences() -> list[str]:
    prefix = "# text = "
    return [line[len(prefix) :].strip() for line in TREEBANK.read_text().splitlines() if line.startswith(prefix)]


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    nlp = clients.get_nlp()
    rng = random.Random(7)
    all_sentences = sentences()
    text, used = [], 0
    while sum(len(s.split()) for s in text) < args.tokens:
        text.append(all_sentences[used])
        used += 1
    analysis = nlp.analyze(" ".join(text), "es")
    words = [t for t in analysis.tokens if t.is_alpha]
    print(f"text: {len(analysis.tokens)} tokens, {len(analysis.sentences)} sentences, ", end="")
    print(f"{len(analysis.expressions)} curated expressions")

    def cut(source: list, n: int) -> list[str]:
        out = []
        while len(out) < n:
            size = rng.choice((2, 3, 4))
            start = rng.randrange(0, max(1, len(source) - size))
            out.append(" ".join(t.lemma.lower() for t in source[start : start + size]))
        return out

    later = [t for s in all_sentences[used : used + 1500] for t in nlp.analyze_words(s, "es").tokens if t.is_alpha]
    inside = cut(words, 10)
    for n in (50, 500, 2000):
        phrases = list(dict.fromkeys(inside + cut(later, n - len(inside))))
        start = time.perf_counter()
        find_phrases(analysis, phrases, nlp.analyze_phrase)
        first = (time.perf_counter() - start) * 1000
        fast_ms, fast = timed(lambda p=phrases: find_phrases(analysis, p, nlp.analyze_phrase), args.repeat)
        slow_ms, slow = timed(lambda p=phrases: expressions.find(analysis, p, nlp.analyze_phrase), 1)
        units = [Unit(key=s.text, lemma=s.text, tokens=s.tokens, source="word_bank") for s in fast]
        units += [Unit(key=s.text, lemma=s.text, tokens=s.tokens, source="curated") for s in analysis.expressions]
        rest_ms, _ = timed(lambda u=units: collapse(analysis, non_overlapping(u)), args.repeat)
        same = sorted(s.tokens for s in fast) == sorted(s.tokens for s in slow)
        print(
            f"N={len(phrases):5d}: find_phrases {fast_ms:7.1f} ms (first, analysing the phrases: {first:7.1f} ms), "
            f"matcher over all {slow_ms:8.1f} ms, found {len(fast)} (same spans: {same}); "
            f"non_overlapping+collapse {rest_ms:.1f} ms"
        )


if __name__ == "__main__":
    main()
