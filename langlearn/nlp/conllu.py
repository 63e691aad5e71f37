"""Universal Dependencies CoNLL-U files as the analyser sees text: surface tokens, not syntactic words.

spaCy's tokenizer (our tokenizer) does not split contractions and clitics ("del", "au", "zum",
"hacerlo"), so a multi-word token is trained and measured as one unit that carries its content word's
POS and lemma ("hacerlo" → VERB "hacer"; "del" → ADP "de"). The figures then describe what a learner
who taps the word actually gets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CONTENT = frozenset({"NOUN", "VERB", "ADJ", "ADV"})
_HEAD_ORDER = ("VERB", "NOUN", "ADJ", "ADV", "AUX", "PROPN", "PRON")


@dataclass(frozen=True)
class Unit:
    form: str
    lemma: str
    upos: str


def _head(words: list[Unit]) -> Unit:
    for upos in _HEAD_ORDER:
        for word in words:
            if word.upos == upos:
                return word
    return words[0]


def read_sentences(path: Path | str) -> Iterator[list[Unit]]:
    sentence: list[Unit] = []
    span_end, span_form, span_words = 0, "", []
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if not line:
                if sentence:
                    yield sentence
                sentence = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            ident = cols[0]
            if "." in ident:  # empty node of enhanced dependencies: not a token
                continue
            if "-" in ident:
                span_end, span_form, span_words = int(ident.split("-")[1]), cols[1], []
                continue
            word = Unit(form=cols[1], lemma=cols[2], upos=cols[3])
            if span_end:
                span_words.append(word)
                if int(ident) == span_end:
                    head = _head(span_words)
                    sentence.append(Unit(form=span_form, lemma=head.lemma, upos=head.upos))
                    span_end = 0
                continue
            sentence.append(word)
    if sentence:
        yield sentence
