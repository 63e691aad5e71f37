"""Text as tokens with a status for this learner: what the reader and the adventure screens draw.

The NLP work (sentences, tokens, lemmas) is done once per text and kept: on the article row by the
articles pipeline's analyse step (`TranslatedArticle.reader_tokens`), in the process cache for a
text without it (an article analysed before the field existed, an adventure scene). Only the
statuses (which move with the learner's marks and word bank) and the coverage are computed per
request, by the coverage engine, in two queries.
Nothing here writes to the database.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache

from articles.analysis import (
    READER_TOKENS_VERSION,
    analyse_paragraphs,
    paragraphs_digest,
    reader_tokens,
    split_paragraphs,
)
from knowledge.coverage import Coverage, coverage_measure_tokens
from knowledge.models import Status as WordStatus
from langlearn.clients.base import NLPClient, ProviderError, UnsupportedLanguage
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair

logger = logging.getLogger(__name__)


IGNORED = WordStatus.IGNORED.value
NEW = WordStatus.NEW.value
CACHE_SECONDS = 60 * 60
UNKNOWN_SHOWN = 20
FALLBACK_PIPELINE = "regex"
_WORD_OR_MARK = re.compile(r"(\w+|[^\w\s]+)(\s*)")

__all__ = ["WordStatus", "cached_reader_tokens", "split_paragraphs", "statuses_for", "with_statuses"]


def _regex_tokens(paragraphs: Sequence[str]) -> dict[str, Any]:
    """Without an NLP pipeline for the language: words and marks split on spaces, each paragraph one
    sentence, the lower-cased form as the lemma. Poorer statuses, but the text still reads."""
    return {
        "version": READER_TOKENS_VERSION,
        "digest": paragraphs_digest(paragraphs),
        "pipeline": FALLBACK_PIPELINE,
        "paragraphs": [
            [
                [
                    {
                        "text": m.group(1),
                        "whitespace": m.group(2) and " ",
                        "lemma": m.group(1).lower(),
                        "pos": "",
                        "is_word": any(c.isalpha() for c in m.group(1)),
                    }
                    for m in _WORD_OR_MARK.finditer(paragraph)
                ]
            ]
            for paragraph in paragraphs
        ],
    }


def _analyse(paragraphs: Sequence[str], language: str, nlp: NLPClient) -> dict[str, Any]:
    if not nlp.supports(language):
        return _regex_tokens(paragraphs)
    try:
        return reader_tokens(analyse_paragraphs(nlp, paragraphs, language), paragraphs=paragraphs)
    except (ProviderError, UnsupportedLanguage) as exc:  # local spaCy: a broken pipeline, not a network error
        logger.warning("reader tokens for %s fell back to the regex splitter: %s", language, exc)
        return _regex_tokens(paragraphs)


def cached_reader_tokens(
    *, stored: dict[str, Any] | None, paragraphs: Sequence[str], language: str, nlp: NLPClient
) -> dict[str, Any]:
    """`stored` when it was made from these paragraphs by the current code, else their analysis,
    computed once per text per process (keyed by the text's digest: an edited text is analysed again)."""
    if not paragraphs:  # a scene still being written
        return {"version": READER_TOKENS_VERSION, "digest": "", "pipeline": "", "paragraphs": []}
    digest = paragraphs_digest(paragraphs)
    if stored and stored.get("version") == READER_TOKENS_VERSION and stored.get("digest") == digest:
        return stored
    key = f"bff:reader-tokens:v{READER_TOKENS_VERSION}:{language}:{digest}"
    found = cache.get(key)
    if found is None:
        found = _analyse(paragraphs, language, nlp)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _keys(token: dict[str, Any]) -> tuple[str, str]:
    # The word bank keys an entry by its normalised lemma, or by its text when it has no lemma.
    return normalize_key(token["lemma"]), normalize_key(token["text"])


def statuses_for(tokens: dict[str, Any], *, pair: UserLanguagePair, extra_keys: Iterable[str] = ()) -> Coverage:
    """The learner's statuses for the text's words (and `extra_keys`) and the text's coverage, from
    the coverage engine (`knowledge.coverage`). Two queries."""
    return coverage_measure_tokens(pair=pair, tokens=tokens, extra_keys=extra_keys)


def with_statuses(tokens: dict[str, Any], *, coverage: Coverage, translations: Sequence[str] = ()) -> dict[str, Any]:
    """The screen's paragraphs (sentences of tokens, each with its status, and the translation of the
    paragraph when the texts align) and the coverage."""
    paragraphs = tokens.get("paragraphs", [])
    counts = {"known": 0, "learning": 0, "new": 0, "ignored": 0}
    out = []
    for index, paragraph in enumerate(paragraphs):
        sentences = []
        for sentence in paragraph:
            rendered = []
            for token in sentence:
                if token["is_word"]:
                    status = coverage.status_of(*_keys(token))
                    counts[status] += 1
                else:
                    status = IGNORED
                rendered.append({**token, "status": status})
            sentences.append({"tokens": rendered})
        out.append({"index": index, "sentences": sentences, "translation": None})
    aligned = bool(translations) and len(translations) == len(out)
    if aligned:
        for paragraph, translation in zip(out, translations, strict=True):
            paragraph["translation"] = translation
    return {
        "paragraphs": out,
        "translation_aligned": aligned,
        "coverage": {
            "words": sum(counts.values()),
            **counts,
            "ratio": coverage.token_ratio,
            "content_words": coverage.tokens,
            "covered_words": coverage.covered_tokens,
            "lemmas": coverage.lemmas,
            "covered_lemmas": coverage.covered_lemmas,
            "lemma_ratio": coverage.lemma_ratio,
            "unknown_lemmas": [u["lemma"] for u in coverage.unknown[:UNKNOWN_SHOWN]],
        },
        "tokenizer": tokens.get("pipeline", ""),
    }
