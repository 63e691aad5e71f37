"""Measuring a scene draft against the learner: the scene's analysis (paragraph by paragraph),
handed to the one measure in `langlearn.leveling` with the coverage engine (`knowledge.coverage`)
bound to the learner's pair."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from knowledge.phrases import leveling_learner
from langlearn import leveling
from langlearn.clients.base import NLPClient
from vocab.models import UserLanguagePair


def scene_draft_fit(
    *, pair: UserLanguagePair, paragraphs: Sequence[str], nlp: NLPClient, target_words: Sequence[str]
) -> dict[str, Any]:
    analysis, why = leveling.analyse_draft(nlp, paragraphs, pair.target_language)
    return leveling.measure_draft(
        analysis, learner=leveling_learner(pair=pair, nlp=nlp), target_words=target_words, unmeasured=why
    )
