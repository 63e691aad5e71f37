"""The one coverage engine: how much of a text this learner can read, and which words are new.

Used by the reader and player screens, the article pipeline, adventure scenes and generation
(articles/adventures revise a draft until its coverage reaches the pair's target). The stable
entry points:

    coverage_measure(*, pair, analysis, extra_keys=()) -> Coverage
        `analysis`: a `langlearn.clients.base.Analysis` (sentences of tokens; an optional
        `expressions` attribute of multi-word expressions, each with `lemma` or `text`).
    coverage_measure_tokens(*, pair, tokens, extra_keys=()) -> Coverage
        `tokens`: the reader's stored token JSON (`articles.analysis.reader_tokens`).

Both run two queries whatever the length of the text (`knowledge.selectors.word_statuses`).

What counts:
- content words only: nouns, verbs, adjectives, adverbs (with no part of speech — the lookup
  lemmatiser — every word not on spaCy's stop-word list for the language);
- names (PROPN; without POS, a capitalised word inside a sentence) and words the learner marked
  ignored are left out;
- a multi-word expression counts once among the distinct lemmas, under its own status;
- known and learning words are covered; the ratio is covered / counted, by tokens and by lemmas.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from langlearn.clients.base import Analysis
from langlearn.languages import base_language
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair

from .frequency import zipf
from .models import Status
from .selectors import word_statuses

NOT_CONTENT = frozenset(
    {"PROPN", "PUNCT", "NUM", "SYM", "X", "SPACE", "DET", "ADP", "PRON", "CCONJ", "SCONJ", "AUX", "PART", "INTJ"}
)
COVERED = frozenset({Status.KNOWN.value, Status.LEARNING.value})
# Nouns are capitalised in these languages: a capital letter says nothing about a name.
_CAPITALISED_NOUNS = frozenset({"de", "lb"})
MAX_UNKNOWN = 200


@functools.cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop-word list for the language (local data, no network); empty when it has none."""
    try:
        from spacy.util import get_lang_class

        return frozenset(w.lower() for w in get_lang_class(base_language(language)).Defaults.stop_words)
    except Exception:  # an unknown language code: no list rather than no coverage
        return frozenset()


@dataclass(frozen=True)
class Word:
    """One word token of a text, as the engine sees it."""

    text: str
    lemma: str
    pos: str
    starts_sentence: bool

    @property
    def key(self) -> str:
        return normalize_key(self.lemma or self.text)

    @property
    def text_key(self) -> str:
        return normalize_key(self.text)


@dataclass
class Coverage:
    """The learner against one text. `statuses`: {key: status} of every key looked up that is not
    new (what a reader paints tokens with: a token's lemma key, else its text key, else new)."""

    tokens: int = 0
    covered_tokens: int = 0
    lemmas: int = 0
    covered_lemmas: int = 0
    unknown: list[dict[str, Any]] = field(default_factory=list)
    by_status: dict[str, list[str]] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)

    @property
    def token_ratio(self) -> float | None:
        return round(self.covered_tokens / self.tokens, 4) if self.tokens else None

    @property
    def lemma_ratio(self) -> float | None:
        return round(self.covered_lemmas / self.lemmas, 4) if self.lemmas else None

    def status_of(self, *keys: str) -> str:
        return next((self.statuses[k] for k in keys if k in self.statuses), Status.NEW.value)

    def summary(self) -> dict[str, Any]:
        """The figures as JSON (what articles and scenes store, and the screens show)."""
        return {
            "tokens": self.tokens,
            "covered_tokens": self.covered_tokens,
            "token_ratio": self.token_ratio,
            "lemmas": self.lemmas,
            "covered_lemmas": self.covered_lemmas,
            "lemma_ratio": self.lemma_ratio,
            "counts": {status: len(words) for status, words in self.by_status.items()},
        }


def _is_alpha_word(text: str) -> bool:
    return any(c.isalpha() for c in text)


def words_of_analysis(analysis: Analysis) -> Iterator[Word]:
    for sentence in analysis.sentences:
        for index, token in enumerate(sentence.tokens):
            if token.is_punct or token.is_digit or not _is_alpha_word(token.text):
                continue
            yield Word(text=token.text, lemma=token.lemma or token.text, pos=token.pos, starts_sentence=index == 0)


def words_of_reader_tokens(tokens: dict[str, Any]) -> Iterator[Word]:
    for paragraph in tokens.get("paragraphs", []):
        for sentence in paragraph:
            for index, token in enumerate(sentence):
                if token.get("is_word"):
                    yield Word(
                        text=token["text"],
                        lemma=token.get("lemma") or token["text"],
                        pos=token.get("pos", ""),
                        starts_sentence=index == 0,
                    )


def expression_keys(expressions: Iterable[Any]) -> list[str]:
    """Keys of multi-word expressions, whatever their shape (objects or dicts with `lemma`/`text`)."""
    keys = []
    for expression in expressions or ():
        get = expression.get if isinstance(expression, dict) else lambda name, e=expression: getattr(e, name, None)
        value = get("lemma") or get("text") or ""
        if isinstance(value, str) and normalize_key(value):
            keys.append(normalize_key(value))
    return keys


def is_content(word: Word, *, language: str, stops: frozenset[str]) -> bool:
    """A word that counts for coverage: a content word that is not a name."""
    if word.pos in NOT_CONTENT:
        return False
    if word.pos:
        return True
    if word.key in stops or word.text_key in stops or len(word.key) < 2:
        return False
    lang = base_language(language)
    return not (not word.starts_sentence and word.text[:1].isupper() and lang not in _CAPITALISED_NOUNS)


def measure(
    words: Iterable[Word],
    *,
    statuses: dict[str, str],
    language: str,
    expressions: Iterable[str] = (),
) -> Coverage:
    """The pure part: coverage of `words` under `statuses` (no database)."""
    stops = stop_words(language)
    result = Coverage(statuses=statuses)
    counts: Counter[str] = Counter()
    lemma_status: dict[str, str] = {}
    for word in words:
        if not is_content(word, language=language, stops=stops):
            continue
        status = result.status_of(word.key, word.text_key)
        if status == Status.IGNORED:
            continue
        result.tokens += 1
        result.covered_tokens += status in COVERED
        counts[word.key] += 1
        lemma_status.setdefault(word.key, status)
    for key in dict.fromkeys(expressions):
        status = result.status_of(key)
        if status != Status.IGNORED:
            lemma_status[key] = status
            counts[key] += 1
    result.lemmas = len(lemma_status)
    result.covered_lemmas = sum(status in COVERED for status in lemma_status.values())
    result.by_status = {s.value: [] for s in Status if s != Status.IGNORED}
    for key, status in lemma_status.items():
        result.by_status[status].append(key)
    new = [key for key, status in lemma_status.items() if status == Status.NEW]
    ranked = sorted(new, key=lambda k: (-zipf(k, language), -counts[k], k))[:MAX_UNKNOWN]
    result.unknown = [{"lemma": k, "count": counts[k], "zipf": zipf(k, language)} for k in ranked]
    return result


def _measure(
    words: list[Word], *, pair: UserLanguagePair, expressions: list[str], extra_keys: Iterable[str]
) -> Coverage:
    keys = {w.key for w in words} | {w.text_key for w in words} | set(expressions) | set(extra_keys)
    statuses = word_statuses(pair=pair, keys=keys)
    return measure(words, statuses=statuses, language=pair.target_language, expressions=expressions)


def coverage_measure(*, pair: UserLanguagePair, analysis: Analysis, extra_keys: Iterable[str] = ()) -> Coverage:
    """Coverage of an analysed text for the learner of `pair` (two queries)."""
    expressions = expression_keys(getattr(analysis, "expressions", None) or ())
    return _measure(list(words_of_analysis(analysis)), pair=pair, expressions=expressions, extra_keys=extra_keys)


def coverage_measure_tokens(
    *, pair: UserLanguagePair, tokens: dict[str, Any], extra_keys: Iterable[str] = ()
) -> Coverage:
    """Coverage of a text stored as reader tokens (two queries)."""
    expressions = expression_keys(tokens.get("expressions") or ())
    return _measure(list(words_of_reader_tokens(tokens)), pair=pair, expressions=expressions, extra_keys=extra_keys)
