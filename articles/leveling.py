"""Measuring an article draft against the learner: the adapter between the article pipeline and
the coverage engine (`knowledge.coverage`), in the shape `langlearn.leveling` works with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from knowledge.phrases import coverage_with_phrases
from knowledge.selectors import has_vocabulary
from langlearn import leveling
from langlearn.clients.base import NLPClient, ProviderError
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair

from .analysis import analyse_paragraphs, merge_analyses, split_paragraphs


def measure_draft(*, pair: UserLanguagePair, body: str, nlp: NLPClient, target_words: Sequence[str]) -> dict[str, Any]:
    """The draft's fit for this learner (a few queries plus local NLP). Unmeasurable (no pipeline for
    the language) gives ratio None, which the loop treats as fitting: there is nothing to fix."""
    language = pair.target_language
    if not nlp.supports(language):
        return {**leveling.UNMEASURED, "measured_by": "unsupported language"}
    try:
        analysis = merge_analyses(analyse_paragraphs(nlp, split_paragraphs(body), language), language=language)
    except ProviderError as exc:
        return {**leveling.UNMEASURED, "measured_by": f"analysis failed: {exc.message}"[:200]}
    measured = coverage_with_phrases(pair=pair, analysis=analysis, nlp=nlp)
    coverage = measured.coverage
    # A target word is used by its lemma or form, a target phrase by any inflected form of it.
    keys = {normalize_key(v) for t in analysis.tokens for v in (t.lemma, t.text) if v} | measured.keys
    used = [w for w in target_words if normalize_key(w) in keys]
    return leveling.fit_from_coverage(
        coverage, target_used=used, measured_by=analysis.pipeline, vocabulary=has_vocabulary(pair=pair)
    )
