"""What the reader shows when a word is tapped."""

from __future__ import annotations

from dataclasses import dataclass

from langlearn.clients.base import NLPClient, TranslationClient

from ..models import UserLanguagePair
from ..selectors import entries_existing_lemmas
from .enrich import check_text, normalize_key, texts_translate, word_analyze


@dataclass(frozen=True)
class WordLookup:
    text: str
    lemma: str
    part_of_speech: str
    translation: str | None
    in_word_bank: bool
    entry_id: str | None


def word_lookup(*, pair: UserLanguagePair, text: str, nlp: NLPClient, translator: TranslationClient) -> WordLookup:
    """Lemma and POS from the NLP client; the translation from the learner's own entry when the word is
    already in the word bank (free and what they chose), otherwise from the translation client."""
    text = check_text(text)
    analysis = word_analyze(text=text, language=pair.target_language, nlp=nlp)
    key = normalize_key(analysis.lemma or text)
    entry = entries_existing_lemmas(pair=pair, normalized_lemmas=[key]).get(key)
    if entry is not None and entry.translation:
        translation: str | None = entry.translation
    else:
        translation = texts_translate(texts=[text], pair=pair, translator=translator, strict=True)[0]
    return WordLookup(
        text=text,
        lemma=analysis.lemma,
        part_of_speech=analysis.part_of_speech,
        translation=translation,
        in_word_bank=entry is not None,
        entry_id=str(entry.pk) if entry else None,
    )
