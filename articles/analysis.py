"""Key vocabulary and known-word coverage from an NLP analysis of the article body."""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langlearn.clients.base import Analysis, NLPClient, Token
from langlearn.languages import base_language
from vocab.keys import normalize_key

# Content words only; the lookup lemmatiser leaves `pos` empty, so an empty POS counts too and
# the stop-word list does the filtering.
CONTENT_POS = {"NOUN", "VERB", "ADJ", "ADV", ""}
KEY_VOCABULARY_SIZE = 25
# Bump when the shape of `reader_tokens` changes: readers recompute rows with an older version.
READER_TOKENS_VERSION = 1
_PARAGRAPH_BREAK = re.compile(r"\s*\n\s*")


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop-word list for the language (local data, no network); empty when it has none."""
    try:
        from spacy.util import get_lang_class

        return frozenset(w.lower() for w in get_lang_class(base_language(language)).Defaults.stop_words)
    except Exception:  # an unknown language code: no list rather than no analysis
        return frozenset()


@dataclass(frozen=True)
class ArticleAnalysis:
    sentences: list[str]
    key_vocabulary: list[dict[str, Any]]
    coverage: float | None
    word_tokens: int


def _lemma(token) -> str:
    return normalize_key(token.lemma or token.text)


def article_lemmas(analysis: Analysis) -> set[str]:
    """Every normalised lemma and surface form of the article's words: what to look up in the
    word bank. Surface forms too, because lookup lemmatisation guesses wrong on ambiguous forms
    (es "río" → "reír") and the learner's entry for "río" should still count."""
    words = [t for t in analysis.tokens if t.is_alpha]
    return {_lemma(t) for t in words} | {normalize_key(t.text) for t in words}


def analyse_article(analysis: Analysis, *, known_lemmas: set[str], language: str) -> ArticleAnalysis:
    """`known_lemmas`: normalised lemmas in the learner's word bank for this pair."""
    words = [t for t in analysis.tokens if t.is_alpha]
    stops = stop_words(language)
    counts: Counter[str] = Counter()
    pos_of: dict[str, Counter[str]] = {}
    for token in words:
        lemma = _lemma(token)
        if len(lemma) < 2 or lemma in stops or token.text.lower() in stops or token.pos not in CONTENT_POS:
            continue
        counts[lemma] += 1
        pos_of.setdefault(lemma, Counter())[token.pos] += 1
    key_vocabulary = [
        {"lemma": lemma, "count": count, "pos": pos_of[lemma].most_common(1)[0][0], "known": lemma in known_lemmas}
        for lemma, count in counts.most_common(KEY_VOCABULARY_SIZE)
    ]
    known = sum(1 for t in words if _lemma(t) in known_lemmas or normalize_key(t.text) in known_lemmas)
    coverage = round(known / len(words), 4) if words else None
    return ArticleAnalysis(
        sentences=[s.text.strip() for s in analysis.sentences if s.text.strip()],
        key_vocabulary=key_vocabulary,
        coverage=coverage,
        word_tokens=len(words),
    )


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by line breaks (the LLM writes blank lines; DeepL keeps them), so
    a text and its translation split alike and can be shown side by side."""
    return [p for p in _PARAGRAPH_BREAK.split(text.strip()) if p]


def analyse_paragraphs(nlp: NLPClient, paragraphs: Sequence[str], language: str) -> list[Analysis]:
    """One analysis per paragraph: spaCy drops the line-break tokens, so analysing the whole text
    at once would lose where a paragraph ends."""
    return [nlp.analyze(paragraph, language) for paragraph in paragraphs]


def merge_analyses(analyses: Sequence[Analysis], *, language: str) -> Analysis:
    pipeline = analyses[0].pipeline if analyses else ""
    return Analysis(language=language, sentences=[s for a in analyses for s in a.sentences], pipeline=pipeline)


def is_word(token: Token) -> bool:
    """A token that can be in a word bank: it has letters and is not punctuation or a number."""
    return not token.is_punct and not token.is_digit and any(c.isalpha() for c in token.text)


def paragraphs_digest(paragraphs: Sequence[str]) -> str:
    """Identifies the text the tokens were made from: a reader seeing another digest (the body was
    edited since) analyses the text again instead of showing stale tokens."""
    return hashlib.sha256("\n\n".join(paragraphs).encode()).hexdigest()


def reader_tokens(analyses: Sequence[Analysis], *, paragraphs: Sequence[str]) -> dict[str, Any]:
    """What a reading screen needs from the NLP analysis of `paragraphs` (one analysis each), as JSON
    to store with the text: paragraphs → sentences → tokens {text, whitespace, lemma, pos, is_word}.
    Statuses are not in here: they change with the learner's word bank and are computed per request."""
    return {
        "version": READER_TOKENS_VERSION,
        "digest": paragraphs_digest(paragraphs),
        "pipeline": analyses[0].pipeline if analyses else "",
        "paragraphs": [
            [
                [
                    {
                        "text": t.text,
                        "whitespace": t.whitespace,
                        "lemma": t.lemma or t.text,
                        "pos": t.pos,
                        "is_word": is_word(t),
                    }
                    for t in sentence.tokens
                ]
                for sentence in analysis.sentences
            ]
            for analysis in analyses
        ],
    }
