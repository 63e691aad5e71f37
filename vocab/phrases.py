"""The phrases of a text for one learner: their own multi-word word-bank entries, found inflected
and with gaps by the kernel's indexed matcher (`langlearn.nlp.expressions.units`), and the curated
expressions the analyser found. The reader's and the levelling's coverage
(`knowledge.phrases`) count them as units; the tapped-word lookup lists those a word belongs to."""

from __future__ import annotations

import hashlib
import logging

from django.core.cache import cache

from langlearn.clients.base import Analysis, NLPClient, ProviderError
from langlearn.nlp.expressions.units import Analyze, Unit, find_phrases, non_overlapping, split_words

from .keys import normalize_key
from .models import UserLanguagePair
from .selectors import phrases_for_pair

logger = logging.getLogger(__name__)

WORD_BANK = "word_bank"
CURATED = "curated"
# A phrase's analysis costs ~2.5 ms of CPU (bench/reader_phrases.py): a learner's few hundred
# phrases are analysed once per cache lifetime, shared by every process when CACHE_URL is set.
PHRASE_CACHE_SECONDS = 24 * 60 * 60


def phrase_units(*, pair: UserLanguagePair, analysis: Analysis, nlp: NLPClient) -> list[Unit]:
    """The phrases of `analysis` for this learner, non-overlapping, in text order (one query)."""
    return non_overlapping(phrase_candidates(pair=pair, analysis=analysis, nlp=nlp))


def phrase_candidates(*, pair: UserLanguagePair, analysis: Analysis, nlp: NLPClient) -> list[Unit]:
    """Every phrase of `analysis` for this learner — the learner's own first, then the curated
    ones — overlapping ones included (a tapped word lists all it belongs to). One query."""
    own = phrases_for_pair(pair=pair)
    units: list[Unit] = []
    if own:
        language = analysis.language
        try:
            supported = nlp.supports(language)
            analyze = _phrase_analyses(nlp, list(own), language, analysis.pipeline) if supported else split_words
            spans = find_phrases(analysis, own, analyze)
        except ProviderError as exc:  # local NLP: the text still reads, without the learner's phrases
            logger.warning("own phrases not matched (%s): %s", language, exc)
            spans = []
        units += [Unit(key=own[s.text], lemma=s.text, tokens=s.tokens, source=WORD_BANK) for s in spans]
    for span in analysis.expressions:
        if normalize_key(span.text):
            units.append(Unit(key=normalize_key(span.text), lemma=span.text, tokens=span.tokens, source=CURATED))
    return units


def _phrase_analyses(nlp: NLPClient, phrases: list[str], language: str, pipeline: str) -> Analyze:
    """An analyser for `phrases` answering from the cache (one round trip for all), analysing and
    storing the missing ones. Keyed by the text's pipeline, whose name carries the analyser's
    fingerprint: a new analyser does not match phrases analysed by the old one."""
    analyze = getattr(nlp, "analyze_phrase", nlp.analyze)
    prefix = f"phrase-analysis:v2:{pipeline}:{language}"
    keys = {p: f"{prefix}:{hashlib.sha256(p.encode()).hexdigest()}" for p in phrases}
    stored = cache.get_many(list(keys.values()))
    known = {p: stored[k] for p, k in keys.items() if k in stored}
    missing = {p: analyze(p, language) for p in phrases if p not in known}
    if missing:
        cache.set_many({keys[p]: a for p, a in missing.items()}, PHRASE_CACHE_SECONDS)
    known |= missing
    return lambda text, lang: known.get(text) or analyze(text, lang)
