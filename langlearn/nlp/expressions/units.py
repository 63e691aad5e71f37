"""Phrases as units of a text: a given list of phrases (a learner's multi-word word-bank entries)
found in an analysis, the spans of several sources made non-overlapping so that each token belongs
to at most one unit, and the text seen with a unit in place of its words.

Matching follows `langlearn.nlp.expressions.find` (lemma sequence, the curated lists' gaps), from an
index of the text's words: a learner may have hundreds of phrases and a text thousands of tokens,
and a phrase is tried only where its first word occurs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from langlearn.clients.base import Analysis, ExpressionSpan, Sentence, Token

from . import MAX_GAP

Analyze = Callable[[str, str], Analysis]
# What a unit's stand-in token is tagged: a content word for coverage whatever its parts are
# ("a lo mejor" is three function words, but one thing to learn).
PHRASE_POS = "PHRASE"


@dataclass(frozen=True)
class Unit:
    """A phrase found in a text. `lemma`: its dictionary form (the curated text, or the learner's
    entry text); `key`: the word-bank key its status is read under; `tokens`: indices into
    `Analysis.tokens`, ascending; `source`: "word_bank" or "curated"."""

    key: str
    lemma: str
    tokens: tuple[int, ...]
    source: str


def _keys(token: Token) -> set[str]:
    return {token.text.lower(), (token.lemma or "").lower()} - {""}


def merge(analyses: Sequence[Analysis], *, language: str) -> Analysis:
    """One analysis of texts analysed apart (paragraphs): the sentences in order, each part's
    expressions kept with their token indices moved past the parts before (they index
    `Analysis.tokens`)."""
    expressions: list[ExpressionSpan] = []
    offset = 0
    for analysis in analyses:
        for span in analysis.expressions:
            expressions.append(dataclasses.replace(span, tokens=tuple(offset + i for i in span.tokens)))
        offset += sum(len(s.tokens) for s in analysis.sentences)
    return Analysis(
        language=language,
        sentences=[s for a in analyses for s in a.sentences],
        pipeline=analyses[0].pipeline if analyses else "",
        expressions=expressions,
    )


def split_words(text: str, language: str) -> Analysis:
    """A stand-in analyser for a language without an NLP pipeline: a phrase's words as themselves."""
    words = text.split()
    tokens = [
        Token(text=w, whitespace=" ", lemma=w.lower(), pos="", is_alpha=w.isalpha(), is_punct=False) for w in words
    ]
    return Analysis(language=language, sentences=[Sentence(text=text, tokens=tokens)], pipeline="split")


def find_phrases(analysis: Analysis, phrases: Iterable[str], analyze: Analyze) -> list[ExpressionSpan]:
    """Spans of those `phrases` (several words each) that occur in `analysis`, inflected or not: the
    same spans as `langlearn.nlp.expressions.find` (same parts, same gaps, within one sentence,
    non-overlapping per phrase), found from an index of the text's words instead of a scan of the
    whole text per phrase (a learner's 2,000 phrases against a 2,000-token text: see
    bench/reader_phrases.py)."""
    tokens = analysis.tokens
    keys = [_keys(t) for t in tokens]
    sentence_end: list[int] = []
    for sentence in analysis.sentences:
        sentence_end += [len(sentence_end) + len(sentence.tokens)] * len(sentence.tokens)
    where: dict[str, list[int]] = {}
    for i, token_keys in enumerate(keys):
        for key in token_keys:
            where.setdefault(key, []).append(i)
    found: list[ExpressionSpan] = []
    for phrase in dict.fromkeys(phrases):
        if len(phrase.split()) < 2:
            continue
        parts = [_keys(t) for t in analyze(phrase, analysis.language).tokens if not t.is_punct]
        if len(parts) < 2 or not all(any(k in where for k in part) for part in parts):
            continue
        starts = sorted({i for k in parts[0] for i in where.get(k, ())})
        free = 0  # a phrase's matches do not overlap: the next one starts after the last one's end
        for i in starts:
            if i < free:
                continue
            indices = _match_from(keys, parts, i, sentence_end[i])
            if indices:
                lemma = " ".join(tokens[j].lemma for j in indices)
                found.append(ExpressionSpan(text=phrase, lemma=lemma, tokens=tuple(indices)))
                free = indices[-1] + 1
    return sorted(found, key=lambda span: span.tokens)


def _match_from(keys: list[set[str]], parts: list[set[str]], i: int, end: int) -> list[int] | None:
    indices = [i]
    for part in parts[1:]:
        window = range(indices[-1] + 1, min(indices[-1] + 2 + MAX_GAP, end))
        nxt = next((j for j in window if keys[j] & part), None)
        if nxt is None:
            return None
        indices.append(nxt)
    return indices


def non_overlapping(units: Sequence[Unit]) -> list[Unit]:
    """Units in text order, none sharing a token. The learner's own phrases win over curated ones
    (theirs carry the status they chose), then the longer span, then the earlier one."""
    ranked = sorted(units, key=lambda u: (0 if u.source == "word_bank" else 1, -len(u.tokens), u.tokens))
    taken: set[int] = set()
    kept: list[Unit] = []
    seen: set[tuple[str, tuple[int, ...]]] = set()
    for unit in ranked:
        if (unit.key, unit.tokens) in seen or taken & set(unit.tokens):
            continue
        seen.add((unit.key, unit.tokens))
        taken |= set(unit.tokens)
        kept.append(unit)
    return sorted(kept, key=lambda u: u.tokens)


def surface(analysis_tokens: Sequence[Token], indices: Sequence[int]) -> str:
    """The unit as written in the text, from its first token to its last, with the words between
    ("echaba de menos", "daremos un largo paseo", "hört mit dem Rauchen auf")."""
    span = analysis_tokens[indices[0] : indices[-1] + 1]
    return "".join(t.text + (t.whitespace or "") for t in span).strip()


def collapse(analysis: Analysis, units: Iterable[Unit]) -> Analysis:
    """`analysis` with each unit read as one word: its first token stands for it (lemma = the unit's
    key, POS "PHRASE"), its other tokens drop out of the words (marked as punctuation). Only for
    counting; never shown."""
    replace: dict[int, Token | None] = {}
    tokens = analysis.tokens
    for unit in units:
        first = tokens[unit.tokens[0]]
        replace[unit.tokens[0]] = dataclasses.replace(
            first, text=surface(tokens, unit.tokens), lemma=unit.key, pos=PHRASE_POS, is_punct=False, is_digit=False
        )
        for i in unit.tokens[1:]:
            replace[i] = dataclasses.replace(tokens[i], is_punct=True, is_alpha=False, pos="PUNCT")
    if not replace:
        return analysis
    sentences = []
    offset = 0
    for sentence in analysis.sentences:
        new = [replace.get(offset + i) or t for i, t in enumerate(sentence.tokens)]
        offset += len(sentence.tokens)
        sentences.append(Sentence(text=sentence.text, tokens=new))
    return Analysis(language=analysis.language, sentences=sentences, pipeline=analysis.pipeline, expressions=[])
