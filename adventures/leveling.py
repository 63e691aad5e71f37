"""Measuring a scene draft against the learner: the scene's analysis (paragraph by paragraph),
handed to the one measure in `langlearn.leveling` with the coverage engine (`knowledge.coverage`)
bound to the learner's pair."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from knowledge.phrases import coverage_with_phrases
from knowledge.selectors import has_vocabulary
from langlearn import leveling
from langlearn.clients.base import NLPClient
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair


def learner_of(pair: UserLanguagePair, nlp: NLPClient) -> leveling.Learner:
    return leveling.Learner(
        # Phrases as units: a learner's own "echar de menos" counts once, and used as a target phrase.
        coverage=lambda analysis: coverage_with_phrases(pair=pair, analysis=analysis, nlp=nlp),
        has_vocabulary=lambda: has_vocabulary(pair=pair),
        key=normalize_key,
    )


def scene_draft_fit(
    *, pair: UserLanguagePair, paragraphs: Sequence[str], nlp: NLPClient, target_words: Sequence[str]
) -> dict[str, Any]:
    analysis, why = leveling.analyse_draft(nlp, paragraphs, pair.target_language)
    return leveling.measure_draft(analysis, learner=learner_of(pair, nlp), target_words=target_words, unmeasured=why)
