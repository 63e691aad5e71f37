"""Measuring a scene draft against the learner: the adapter between the adventure pipeline and
the coverage engine (`knowledge.coverage`), in the shape `langlearn.leveling` works with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langlearn import leveling
from langlearn.clients.base import Analysis, NLPClient, ProviderError
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair
from vocab.selectors import known_lemmas_for_pair


def measure_draft(
    *, pair: UserLanguagePair, paragraphs: Sequence[str], nlp: NLPClient, target_words: Sequence[str]
) -> dict[str, Any]:
    """The draft's fit for this learner (two queries plus local NLP). Unmeasurable (no pipeline for
    the language) gives ratio None, which the loop treats as fitting: there is nothing to fix."""
    language = pair.target_language
    if not any(p.strip() for p in paragraphs):
        return {**leveling.UNMEASURED, "measured_by": "empty"}
    if not nlp.supports(language):
        return {**leveling.UNMEASURED, "measured_by": "unsupported language"}
    try:
        analyses = [nlp.analyze(p, language) for p in paragraphs if p.strip()]
        analysis = Analysis(
            language=language, sentences=[s for a in analyses for s in a.sentences], pipeline=analyses[0].pipeline
        )
    except ProviderError as exc:
        return {**leveling.UNMEASURED, "measured_by": f"analysis failed: {exc.message}"[:200]}
    coverage = _coverage(pair=pair, analysis=analysis)
    keys = {normalize_key(v) for t in analysis.tokens for v in (t.lemma, t.text) if v}
    used = [w for w in target_words if normalize_key(w) in keys]
    return leveling.fit_from_coverage(coverage, target_used=used, measured_by=analysis.pipeline)


# Until the coverage engine (knowledge.coverage.coverage_measure) lands: content words by POS (or,
# without POS, every alphabetic word), covered when the lemma or form is in the word bank.
_NOT_CONTENT = frozenset({"PROPN", "PUNCT", "NUM", "SYM", "X", "SPACE", "DET", "ADP", "PRON", "CCONJ", "SCONJ", "AUX"})


class _Coverage:
    def __init__(self, tokens: int, covered: int, unknown: list[dict[str, Any]]):
        self.tokens, self.covered_tokens, self.unknown = tokens, covered, unknown
        self.token_ratio = round(covered / tokens, 4) if tokens else None


def _coverage(*, pair: UserLanguagePair, analysis) -> _Coverage:
    words = [t for t in analysis.tokens if t.is_alpha and t.pos not in _NOT_CONTENT]
    keys = [(normalize_key(t.lemma or t.text), normalize_key(t.text)) for t in words]
    known = known_lemmas_for_pair(pair=pair, among={k for pair_ in keys for k in pair_})
    covered = sum(1 for lemma, text in keys if lemma in known or text in known)
    unknown = list(dict.fromkeys(lemma for lemma, text in keys if lemma not in known and text not in known))
    return _Coverage(len(words), covered, [{"lemma": u} for u in unknown])
