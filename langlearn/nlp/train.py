"""Train the shipped models from the UD dev treebanks (CC BY-SA 4.0; their licence files are copied
next to the models, which are derived from them).

    .venv/bin/python -m langlearn.nlp.train [--data ../shared/data/ud] [langs...]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .analyzer import MODELS, WordAnalyzer, fit
from .conllu import Unit, read_sentences

TREEBANKS = {
    "es": "es_gsd-ud-dev",
    "fr": "fr_gsd-ud-dev",
    "de": "de_gsd-ud-dev",
    "pt": "pt_bosque-ud-dev",
    "en": "en_ewt-ud-dev",
}
# The repository's sibling shared/ (as in a checkout and in CI); UD_DATA overrides it (a worktree).
DEFAULT_DATA = Path(os.environ.get("UD_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data" / "ud")


def treebank(lang: str, data: Path = DEFAULT_DATA) -> list[list[Unit]]:
    return list(read_sentences(data / f"{TREEBANKS[lang]}.conllu"))


def cross_validate(
    sentences: list[list[Unit]], lang: str, folds: int, *, blocks: bool = False
) -> Iterator[tuple[list[Unit], list[tuple[str, str]]]]:
    """Train on k-1 folds, predict the held-out fold: each held-out sentence with the (UPOS, lemma)
    predicted for its tokens by a model that never saw it.

    Folds interleave sentences (every k-th held out) unless `blocks`: then each fold is one contiguous
    k-th of the file. UD files keep a document's sentences together, so an interleaved fold still
    shares its documents' names and topics with the training folds; a block mostly does not, which is
    closer to a learner's new text."""
    size = -(-len(sentences) // folds)
    for fold in range(folds):
        if blocks:
            held = set(range(fold * size, min((fold + 1) * size, len(sentences))))
        else:
            held = set(range(fold, len(sentences), folds))
        train = [s for i, s in enumerate(sentences) if i not in held]
        with tempfile.TemporaryDirectory() as tmp:
            fit(train, lang, Path(tmp))
            analyzer = WordAnalyzer(lang, Path(tmp))
            for i in sorted(held):
                yield sentences[i], analyzer.analyze([u.form for u in sentences[i]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("langs", nargs="*", default=list(TREEBANKS))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=MODELS)
    args = parser.parse_args()
    for lang in args.langs:
        fit(treebank(lang, args.data), lang, args.out)
        shutil.copy(args.data / f"{TREEBANKS[lang]}.LICENSE.txt", args.out / f"{lang}.UD-LICENSE.txt")
        size = sum(p.stat().st_size for p in args.out.glob(f"{lang}.*"))
        print(f"{lang}: trained on {TREEBANKS[lang]}, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
