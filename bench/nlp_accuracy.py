"""Lemma and UPOS accuracy of the analysers on the UD dev treebanks, speed and memory.

    UD_DATA=../shared/data/ud .venv/bin/python bench/nlp_accuracy.py [--folds 5] [--skip-cv] [langs...]

Per treebank: content-word (gold NOUN/VERB/ADJ/ADV) lemma accuracy, case-folded, and UPOS accuracy of
every token, for
- `spacy-lookup`: the previous analyser (blank spaCy + spacy-lookups-data table, no POS),
- `simplemma`: simplemma 2.0 alone (no POS),
- `shipped`: the shipped CRF tagger + POS-aware lemmatiser (trained on these same files: optimistic),
- `cv`: the same method trained on k-1 folds and measured on the held-out fold (every k-th sentence),
- `cv-block`: the same with each fold a contiguous block of the file (whole documents held out: the
  closest these files come to a learner's unseen text; `--cv interleaved|block` runs one
  of the two).
Units are surface tokens as our tokenizer sees them (see langlearn/nlp/conllu.py).
Then tokens per second of the new client's analyze() on running text, and resident memory with five
languages loaded.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Score:
    def __init__(self) -> None:
        self.content = self.lemma_ok = self.tokens = self.upos_ok = 0

    def add(self, gold, lemma: str, upos: str) -> None:
        self.tokens += 1
        self.upos_ok += upos == gold.upos
        if gold.upos in CONTENT:
            self.content += 1
            self.lemma_ok += lemma.lower() == gold.lemma.lower()

    @property
    def lemma(self) -> float:
        return self.lemma_ok / max(self.content, 1)

    @property
    def upos(self) -> float:
        return self.upos_ok / max(self.tokens, 1)


def spacy_lookup_scores(lang: str, sentences) -> Score:
    from spacy.tokens import Doc

    from langlearn.clients.nlp import LookupPipeline

    pipe = LookupPipeline(lang)
    score = Score()
    for sentence in sentences:
        doc = Doc(pipe.nlp.vocab, words=[u.form for u in sentence])
        for _name, component in pipe.nlp.pipeline:
            doc = component(doc)
        for gold, token in zip(sentence, doc, strict=True):
            score.add(gold, pipe.lemma(token), pipe.pos(token))
    return score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("langs", nargs="*")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--skip-spacy", action="store_true")
    parser.add_argument("--cv", choices=["both", "interleaved", "block"], default="both")
    args = parser.parse_args()

    import django

    django.setup()
    from langlearn.nlp.analyzer import WordAnalyzer
    from langlearn.nlp.lemmatizer import simplemma_lemma
    from langlearn.nlp.train import TREEBANKS, cross_validate, treebank

    langs = args.langs or list(TREEBANKS)
    names = ["spacy-lookup", "simplemma", "shipped", "cv", "cv-block"]
    print(f"{'treebank':18}" + "".join(f"{n + ' lemma':>19}{'upos':>6}" for n in names))
    totals: dict[str, list[Score]] = {n: [] for n in names}
    for lang in langs:
        sentences = treebank(lang)
        scores = {n: Score() for n in names}
        if not args.skip_spacy:
            scores["spacy-lookup"] = spacy_lookup_scores(lang, sentences)
        shipped = WordAnalyzer(lang)
        for sentence in sentences:
            for gold, (upos, lemma) in zip(sentence, shipped.analyze([u.form for u in sentence]), strict=True):
                scores["shipped"].add(gold, lemma, upos)
                scores["simplemma"].add(gold, simplemma_lemma(gold.form, lang), "")
        if not args.skip_cv and args.cv != "block":
            for sentence, predicted in cross_validate(sentences, lang, args.folds):
                for gold, (upos, lemma) in zip(sentence, predicted, strict=True):
                    scores["cv"].add(gold, lemma, upos)
        if not args.skip_cv and args.cv != "interleaved":
            for sentence, predicted in cross_validate(sentences, lang, args.folds, blocks=True):
                for gold, (upos, lemma) in zip(sentence, predicted, strict=True):
                    scores["cv-block"].add(gold, lemma, upos)
        for n in names:
            totals[n].append(scores[n])
        row = "".join(f"{scores[n].lemma:>19.3f}{scores[n].upos:>6.3f}" for n in names)
        print(f"{TREEBANKS[lang]:18}{row}", flush=True)
    row = "".join(
        f"{sum(s.lemma for s in totals[n]) / len(langs):>19.3f}{sum(s.upos for s in totals[n]) / len(langs):>6.3f}"
        for n in names
    )
    print(f"{'average':18}{row}")
    print("(0.000 = not run; UPOS of spacy-lookup and simplemma: no tagger)")
    speed_and_memory(langs)


def speed_and_memory(langs: list[str]) -> None:
    from langlearn.clients import get_nlp
    from langlearn.nlp.train import treebank

    before = rss_mb()
    nlp = get_nlp()
    for lang in ["es", "fr", "de", "pt", "en"]:
        nlp.analyze("Hola.", lang)
    print(f"RSS with {', '.join(nlp.loaded_languages())} loaded: {rss_mb():.1f} MB (process before: {before:.1f} MB)")
    for lang in langs:
        text = " ".join(" ".join(u.form for u in s) for s in treebank(lang)[:300])
        started = time.perf_counter()
        tokens = len(nlp.analyze(text, lang).tokens)
        took = time.perf_counter() - started
        print(f"{lang}: analyze() {tokens} tokens in {took:.2f} s = {tokens / took:,.0f} tokens/s")


if __name__ == "__main__":
    from langlearn.nlp.conllu import CONTENT

    main()
