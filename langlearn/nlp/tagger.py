"""A CRF part-of-speech tagger (python-crfsuite) over word shape, affixes, neighbours and the
lexicon's ambiguity classes. Trained on the UD dev treebanks by `python -m langlearn.nlp.train`."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from .lemmatizer import simplemma_lemma
from .lexicon import Lexicon

CLOSED = frozenset({"ADP", "AUX", "CCONJ", "DET", "PART", "PRON", "SCONJ"})
_DIGIT = re.compile(r"\d")
TRAIN_PARAMS = {"c1": 0.0, "c2": 0.1, "max_iterations": 150, "feature.possible_transitions": True}


def _shape(word: str) -> str:
    out = []
    for ch in word[:8]:
        kind = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)


def _word_features(word: str, lexicon: Lexicon, prefix: str) -> list[str]:
    low = word.lower()
    return [f"{prefix}w={low}", f"{prefix}c={lexicon.ambiguity_class(word)}", f"{prefix}s3={low[-3:]}"]


def _dictionary_features(word: str, lang: str) -> list[str]:
    """What simplemma's dictionary says without POS: the ending of its lemma tells a verb ("-ar",
    "-en") from a noun for words the treebank never showed."""
    lemma = simplemma_lemma(word, lang).lower()
    low = word.lower()
    if lemma == low:
        return ["dl=same"]
    return [f"dl2={lemma[-2:]}", f"dl3={lemma[-3:]}"]


def sentence_features(words: Sequence[str], lexicon: Lexicon, lang: str) -> list[list[str]]:
    feats = []
    n = len(words)
    for i, word in enumerate(words):
        low = word.lower()
        f = [
            "b",
            f"w={low}",
            f"c={lexicon.ambiguity_class(word)}",
            f"sh={_shape(word)}",
            f"len={min(len(word), 8)}",
        ]
        f += [f"s{k}={low[-k:]}" for k in (1, 2, 3, 4, 5) if len(low) >= k]
        f += _dictionary_features(word, lang)
        f += [f"p{k}={low[:k]}" for k in (1, 2, 3) if len(low) > k]
        if word[:1].isupper():
            f.append("title" if i else "title0")
        if _DIGIT.search(word):
            f.append("digit")
        if "-" in word:
            f.append("hyphen")
        if i == 0:
            f.append("BOS")
        else:
            f += _word_features(words[i - 1], lexicon, "-1:")
        if i == n - 1:
            f.append("EOS")
        else:
            f += _word_features(words[i + 1], lexicon, "+1:")
        if i > 1:
            f.append(f"-2:w={words[i - 2].lower()}")
        if i < n - 2:
            f.append(f"+2:w={words[i + 2].lower()}")
        if 0 < i < n - 1:
            f.append(f"-1+1:c={lexicon.ambiguity_class(words[i - 1])}/{lexicon.ambiguity_class(words[i + 1])}")
        feats.append(f)
    return feats


def train(sentences: Sequence[Sequence[tuple[str, str]]], lexicon: Lexicon, lang: str, model_path: Path) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for sentence in sentences:
        words = [w for w, _ in sentence]
        trainer.append(sentence_features(words, lexicon, lang), [t for _, t in sentence])
    trainer.set_params(TRAIN_PARAMS)
    trainer.train(str(model_path))


class Tagger:
    def __init__(self, model_path: Path, lexicon: Lexicon, lang: str) -> None:
        self.lang = lang
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model_path))
        self._open_labels = [label for label in self._tagger.labels() if label not in CLOSED]
        self.lexicon = lexicon
        # A crfsuite tagger keeps the last sentence it tagged, and `marginal` reads it: two threads of a
        # Dramatiq worker (or a gthread web worker) tagging at once would read each other's sentence
        # (wrong confidences, or "position out of range"). The C call holds the GIL anyway, so the lock
        # costs no parallelism; one tagger per thread would cost the model's memory per thread.
        self._lock = threading.Lock()

    def tag(self, words: Sequence[str]) -> list[tuple[str, float]]:
        """Each word's tag and the model's marginal probability of it."""
        if not words:
            return []
        features = sentence_features(words, self.lexicon, self.lang)
        with self._lock:
            return self._tag(words, self._tagger.tag(features))

    def _tag(self, words: Sequence[str], tags: list[str]) -> list[tuple[str, float]]:
        out = []
        for i, (word, tag) in enumerate(zip(words, tags, strict=True)):
            if tag in CLOSED and self.lexicon.ambiguity_class(word) == "UNK":
                # Closed classes are listed in full by the treebank: a word it never showed is not a
                # preposition or a pronoun ("comendo" tagged ADP after an AUX), so take the best open tag.
                # Its confidence is then the tag's share of the open-class probability mass.
                open_mass = {label: self._tagger.marginal(label, i) for label in self._open_labels}
                tag = max(open_mass, key=open_mass.__getitem__)
                out.append((tag, open_mass[tag] / max(sum(open_mass.values()), 1e-9)))
                continue
            out.append((tag, self._tagger.marginal(tag, i)))
        return out
