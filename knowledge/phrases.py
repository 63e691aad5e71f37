"""Phrases as units of a text for one learner, and the coverage that counts them once.

A phrase in a text is a curated expression the analyser found (`Analysis.expressions`) or one of the
learner's own multi-word word-bank entries ("echar de menos" in "te echaba de menos"), matched by
lemma sequence with the curated matcher's gaps (`vocab.phrases` finds both). Where two claim a
token, the learner's own wins.

A phrase the learner holds (learning, known or ignored) is one unit: its words take its status
and count once, as one token and one lemma ("echaba de menos" is one covered word for a learner
learning "echar de menos", not two new ones). A phrase the learner has not met leaves its words
counted as themselves and adds itself once among the new lemmas (the engine's rule for
expressions).

Queries: the learner's phrases (one) and the statuses (two: `knowledge.selectors.word_statuses`),
whatever the length of the text.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from langlearn.clients.base import Analysis, NLPClient
from langlearn.leveling import Learner
from langlearn.nlp.expressions.units import collapse, surface
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair
from vocab.phrases import phrase_units

from .coverage import Coverage, measure, words_of_analysis
from .models import Status
from .selectors import has_vocabulary, word_statuses


@dataclass(frozen=True)
class Phrase:
    """A phrase unit of the text: `text` as written there, `lemma` its dictionary form (the curated
    text or the learner's entry), `key` the word-bank key, `tokens` indices into `Analysis.tokens`."""

    id: int
    text: str
    lemma: str
    key: str
    status: str
    source: str
    tokens: tuple[int, ...]


@dataclass
class PhraseCoverage:
    coverage: Coverage
    phrases: list[Phrase] = field(default_factory=list)

    def by_token(self) -> dict[int, Phrase]:
        return {i: phrase for phrase in self.phrases for i in phrase.tokens}

    @property
    def keys(self) -> set[str]:
        return {phrase.key for phrase in self.phrases}


def coverage_with_phrases(
    *, pair: UserLanguagePair, analysis: Analysis, nlp: NLPClient, extra_keys: Iterable[str] = ()
) -> PhraseCoverage:
    """Coverage of `analysis` for the learner of `pair` with phrases as units, and the phrases with
    their statuses. Three queries."""
    units = phrase_units(pair=pair, analysis=analysis, nlp=nlp)
    words = list(words_of_analysis(analysis))
    keys = {w.key for w in words} | {w.text_key for w in words} | {u.key for u in units} | set(extra_keys)
    statuses = word_statuses(pair=pair, keys=keys)
    held = [u for u in units if statuses.get(u.key, Status.NEW) != Status.NEW]
    counted = list(words_of_analysis(collapse(analysis, held))) if held else words
    coverage = measure(counted, statuses=statuses, language=pair.target_language, expressions=[u.key for u in units])
    tokens = analysis.tokens
    phrases = [
        Phrase(
            id=n,
            text=surface(tokens, u.tokens),
            lemma=u.lemma,
            key=u.key,
            status=statuses.get(u.key, Status.NEW.value),
            source=u.source,
            tokens=u.tokens,
        )
        for n, u in enumerate(units)
    ]
    return PhraseCoverage(coverage=coverage, phrases=phrases)


def leveling_learner(*, pair: UserLanguagePair, nlp: NLPClient) -> Learner:
    """The learner of `pair` as the kernel's revision loop takes it (`langlearn.leveling.Learner`):
    coverage with phrases as units (a learner's own "echar de menos" counts once, and counts as a
    used target phrase), whether they have any vocabulary, and the word bank's key. One binding for
    articles and adventure scenes alike. Whether they have vocabulary is asked once per binding
    (one job): a job measures several drafts, and the answer does not change between them."""
    return Learner(
        coverage=lambda analysis: coverage_with_phrases(pair=pair, analysis=analysis, nlp=nlp),
        has_vocabulary=functools.cache(lambda: has_vocabulary(pair=pair)),
        key=normalize_key,
    )
