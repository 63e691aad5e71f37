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
    analysis_of_reader_tokens,
    paragraphs_digest,
    reader_tokens,
    split_paragraphs,
)
from knowledge.models import Status as WordStatus
from knowledge.phrases import PhraseCoverage, coverage_with_phrases
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
        "expressions": [],
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


def statuses_for(
    tokens: dict[str, Any], *, pair: UserLanguagePair, nlp: NLPClient, extra_keys: Iterable[str] = ()
) -> PhraseCoverage:
    """The learner's statuses for the text's words and phrases (curated ones and their own multi-word
    entries) and `extra_keys`, and the text's coverage with each phrase they hold counted once
    (`knowledge.phrases`, over the coverage engine). Three queries."""
    analysis = analysis_of_reader_tokens(tokens, language=pair.target_language)
    return coverage_with_phrases(pair=pair, analysis=analysis, nlp=nlp, extra_keys=extra_keys)


def with_statuses(
    tokens: dict[str, Any], *, coverage: PhraseCoverage, translations: Sequence[str] = ()
) -> dict[str, Any]:
    """The screen's paragraphs (sentences of tokens, each with its status, and the translation of the
    paragraph when the texts align), the phrases and the coverage. A token of a phrase carries the
    phrase's id (`phrase`); when the learner holds the phrase (not new), the token shows the
    phrase's status: the phrase reads as one unit."""
    paragraphs = tokens.get("paragraphs", [])
    by_token = coverage.by_token()
    spans: dict[int, list[dict[str, int]]] = {p.id: [] for p in coverage.phrases}
    counts = {"known": 0, "learning": 0, "new": 0, "ignored": 0}
    out = []
    position = 0
    for index, paragraph in enumerate(paragraphs):
        sentences = []
        for s_index, sentence in enumerate(paragraph):
            rendered = []
            for t_index, token in enumerate(sentence):
                phrase = by_token.get(position)
                position += 1
                if token["is_word"]:
                    status = coverage.coverage.status_of(*_keys(token))
                    if phrase is not None and phrase.status != NEW:
                        status = phrase.status
                    counts[status] += 1
                else:
                    status = IGNORED
                if phrase is not None:
                    spans[phrase.id].append({"paragraph": index, "sentence": s_index, "token": t_index})
                rendered.append({**token, "status": status, "phrase": phrase.id if phrase is not None else None})
            sentences.append({"tokens": rendered})
        out.append({"index": index, "sentences": sentences, "translation": None})
    aligned = bool(translations) and len(translations) == len(out)
    if aligned:
        for paragraph, translation in zip(out, translations, strict=True):
            paragraph["translation"] = translation
    figures = coverage.coverage
    return {
        "paragraphs": out,
        "phrases": [
            {
                "id": p.id,
                "text": p.text,
                "lemma": p.lemma,
                "status": p.status,
                "source": p.source,
                "tokens": spans[p.id],
            }
            for p in coverage.phrases
        ],
        "translation_aligned": aligned,
        "coverage": {
            "words": sum(counts.values()),
            **counts,
            "ratio": figures.token_ratio,
            "content_words": figures.tokens,
            "covered_words": figures.covered_tokens,
            "lemmas": figures.lemmas,
            "covered_lemmas": figures.covered_lemmas,
            "lemma_ratio": figures.lemma_ratio,
            "unknown_lemmas": [u["lemma"] for u in figures.unknown[:UNKNOWN_SHOWN]],
        },
        "tokenizer": tokens.get("pipeline", ""),
    }
