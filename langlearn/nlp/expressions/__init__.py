"""Multi-word expressions found in analysed text by lemma sequence, with gaps where a language puts
words inside them ("echo mucho de menos", "se rendre compte", "hört ... auf").

Each expression is analysed with the same analyser as the text, and a part matches a token when the
token's lemma or lower-cased form equals the part's lemma or form: "echaba de menos" matches "echar de
menos" through the lemma of "echaba".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from langlearn.clients.base import Analysis, ExpressionSpan
from langlearn.nlp import dictionaries

HERE = Path(__file__).resolve().parent
MAX_GAP = 3  # words allowed between two parts of an expression ("echar mucho de menos")
# German particles that detach from their verb and go to the end of the clause.
SEPARABLE = frozenset(
    [
        "ab",
        "an",
        "auf",
        "aus",
        "bei",
        "dar",
        "ein",
        "fest",
        "fort",
        "her",
        "heraus",
        "herein",
        "hin",
        "los",
        "mit",
        "nach",
        "vor",
        "vorbei",
        "weg",
        "weiter",
        "wieder",
        "zu",
        "zurück",
        "zusammen",
    ]
)


@cache
def curated(lang: str) -> tuple[str, ...]:
    path = HERE / f"{lang}.txt"
    if not path.is_file():
        return ()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line)


def _keys(text: str, lemma: str) -> set[str]:
    return {text.lower(), lemma.lower()} - {""}


def find(analysis: Analysis, phrases: Iterable[str], analyze: Callable[[str, str], Analysis]) -> list[ExpressionSpan]:
    """Spans of `phrases` in `analysis`, within one sentence, earliest first, non-overlapping per phrase."""
    found: list[ExpressionSpan] = []
    offset = 0
    sentences = []
    for sentence in analysis.sentences:
        sentences.append((offset, [t for t in sentence.tokens]))
        offset += len(sentence.tokens)
    for phrase in phrases:
        parts = [_keys(t.text, t.lemma) for t in analyze(phrase, analysis.language).tokens if not t.is_punct]
        if len(parts) < 2:
            continue
        for start, tokens in sentences:
            keys = [_keys(t.text, t.lemma) for t in tokens]
            i = 0
            while i < len(tokens):
                indices = _match_from(keys, parts, i)
                if indices:
                    lemma = " ".join(tokens[j].lemma for j in indices)
                    found.append(ExpressionSpan(text=phrase, lemma=lemma, tokens=tuple(start + j for j in indices)))
                    i = indices[-1] + 1
                else:
                    i += 1
    return sorted(found, key=lambda span: span.tokens)


def _match_from(keys: list[set[str]], parts: list[set[str]], i: int) -> list[int] | None:
    if not keys[i] & parts[0]:
        return None
    indices = [i]
    for part in parts[1:]:
        window = range(indices[-1] + 1, min(indices[-1] + 2 + MAX_GAP, len(keys)))
        nxt = next((j for j in window if keys[j] & part), None)
        if nxt is None:
            return None
        indices.append(nxt)
    return indices


def separable_verbs(analysis: Analysis) -> list[ExpressionSpan]:
    """German: a verb and a particle closing its clause form the particle verb when the dictionary
    knows it ("hört mit dem Rauchen auf" → "aufhören")."""
    found = []
    offset = 0
    for sentence in analysis.sentences:
        tokens = sentence.tokens
        for i, verb in enumerate(tokens):
            if verb.pos not in ("VERB", "AUX") or not verb.is_alpha:
                continue
            for j in range(i + 1, len(tokens)):
                if tokens[j].is_punct or tokens[j].pos in ("VERB", "AUX", "SCONJ", "CCONJ"):
                    break
                particle = tokens[j].text.lower()
                closes = j + 1 == len(tokens) or tokens[j + 1].is_punct
                if particle in SEPARABLE and closes:
                    lemma = particle + verb.lemma.lower()
                    if dictionaries.is_known(lemma, "de"):
                        found.append(ExpressionSpan(text=lemma, lemma=lemma, tokens=(offset + i, offset + j)))
                    break
        offset += len(tokens)
    return found
