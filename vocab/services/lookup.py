"""What the reader shows when a word is tapped."""

from __future__ import annotations

from dataclasses import dataclass, field

from langlearn.clients.base import NLPClient, TranslationClient

from ..models import UserLanguagePair
from ..phrases import phrase_candidates
from ..selectors import entries_existing_lemmas
from .enrich import check_text, normalize_key, texts_translate, word_analyze


@dataclass(frozen=True)
class LookupExpression:
    text: str
    in_word_bank: bool
    entry_id: str | None


@dataclass(frozen=True)
class WordLookup:
    text: str
    lemma: str
    part_of_speech: str
    translation: str | None
    in_word_bank: bool
    entry_id: str | None
    expressions: list[LookupExpression] = field(default_factory=list)


def word_lookup(
    *, pair: UserLanguagePair, text: str, nlp: NLPClient, translator: TranslationClient, sentence: str = ""
) -> WordLookup:
    """Lemma and POS from the NLP client; the translation of the lemma from the learner's own entry when
    the word is already in the word bank (free and what they chose), otherwise from the translation
    client. With the sentence the word was tapped in, the expressions (curated ones and the learner's
    own phrases) that the word is part of there."""
    text = check_text(text)
    analysis = word_analyze(text=text, language=pair.target_language, nlp=nlp)
    key = normalize_key(analysis.lemma or text)
    entry = entries_existing_lemmas(pair=pair, normalized_lemmas=[key]).get(key)
    if entry is not None and entry.translation:
        translation: str | None = entry.translation
    else:
        translation = texts_translate(texts=[analysis.lemma or text], pair=pair, translator=translator, strict=True)[0]
    return WordLookup(
        text=text,
        lemma=analysis.lemma,
        part_of_speech=analysis.part_of_speech,
        translation=translation,
        in_word_bank=entry is not None,
        entry_id=str(entry.pk) if entry else None,
        expressions=_expressions_of(pair=pair, text=text, sentence=sentence, nlp=nlp) if sentence.strip() else [],
    )


def _expressions_of(*, pair: UserLanguagePair, text: str, sentence: str, nlp: NLPClient) -> list[LookupExpression]:
    """The phrases of the sentence the tapped word belongs to: the learner's own and the curated ones,
    found as the reader finds them (`vocab.phrases`: indexed matcher, cached phrase analyses)."""
    if not nlp.supports(pair.target_language):
        return []
    analysis = nlp.analyze(sentence, pair.target_language)
    tokens = analysis.tokens
    tapped = normalize_key(text)
    found: dict[str, str] = {}  # phrase as listed -> word-bank key
    for unit in phrase_candidates(pair=pair, analysis=analysis, nlp=nlp):
        if any(normalize_key(tokens[i].text) == tapped for i in unit.tokens):
            found.setdefault(unit.lemma, unit.key)
    existing = entries_existing_lemmas(pair=pair, normalized_lemmas=list(set(found.values())))
    return [
        LookupExpression(
            text=phrase,
            in_word_bank=key in existing,
            entry_id=str(existing[key].pk) if key in existing else None,
        )
        for phrase, key in found.items()
    ]
