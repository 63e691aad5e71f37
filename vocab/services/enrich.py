"""What the providers add to a word: lemma and part of speech (NLP), translation (DeepL) and spoken
audio (TTS → storage). Kept apart from the add/update rules so those stay free of provider calls and
every provider call happens outside a database transaction."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from langlearn import storage
from langlearn.clients.base import NLPClient, ProviderError, TranslationClient, TTSClient
from langlearn.errors import InvalidInput, ProviderUnavailable

from ..keys import normalize_key  # noqa: F401  (re-exported by vocab.services)
from ..models import LearnableWordBankEntry, UserLanguagePair

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WordAnalysis:
    lemma: str
    part_of_speech: str


def word_analyze(*, text: str, language: str, nlp: NLPClient) -> WordAnalysis:
    """Lemma and POS of one word; a phrase keeps itself as the lemma (its words are learnt together)."""
    text = " ".join(text.split())
    try:
        if not nlp.supports(language):
            return WordAnalysis(lemma=text, part_of_speech="")
        analysis = nlp.analyze(text, language)
    except ProviderError as exc:  # no pipeline for this language after all: the word is its own lemma
        logger.warning("no lemma for %r (%s): %s", text, language, exc)
        return WordAnalysis(lemma=text, part_of_speech="")
    tokens = [t for t in analysis.tokens if not t.is_punct and t.text.strip()]
    if len(tokens) == 1:
        token = tokens[0]
        return WordAnalysis(lemma=(token.lemma or token.text).strip(), part_of_speech=token.pos or "")
    return WordAnalysis(lemma=text, part_of_speech="PHRASE" if len(tokens) > 1 else "")


def texts_translate(
    *, texts: list[str], pair: UserLanguagePair, translator: TranslationClient, strict: bool = False
) -> list[str | None]:
    """Translate target-language words into the learner's language, one batch call.

    With `strict=False` (adding words) a provider failure leaves the translations empty (None) so the
    words are still saved; the entry's media job fills them later. With `strict=True` (lookup) a
    transient failure answers 503 so the client retries."""
    if not texts:
        return []
    try:
        if not translator.can_translate_to(pair.source_language):
            return [None] * len(texts)
        batch = translator.translate(texts, source=pair.target_language, target=pair.source_language)
    except ProviderError as exc:
        logger.warning("translation failed for pair %s: %s", pair.pk, exc)
        if strict and exc.retryable:
            raise ProviderUnavailable("Translation is unavailable right now; try again shortly.")
        return [None] * len(texts)
    return [t.text for t in batch.translations]


def entry_media_generate(
    *, entry_id: uuid.UUID | str, tts: TTSClient, translator: TranslationClient
) -> LearnableWordBankEntry | None:
    """Fill what an entry still lacks: its translation (when the add-time call failed) and its audio.

    Safe to run twice: each part is skipped once present, the audio key is derived from the entry id
    (a rerun overwrites its own object) and the columns are set with conditional updates, so a learner's
    edit made meanwhile is never overwritten. Retryable provider errors propagate (the actor retries);
    permanent ones are logged and the entry stays without that part."""
    entry = LearnableWordBankEntry.objects.select_related("pair").filter(pk=entry_id).first()
    if entry is None:
        return None  # deleted before the job ran
    if not entry.translation:
        translated = texts_translate(texts=[entry.text], pair=entry.pair, translator=translator)[0]
        if translated:
            LearnableWordBankEntry.objects.filter(pk=entry.pk, translation="").update(translation=translated)
            entry.translation = translated
    if not entry.audio:
        try:
            audio = tts.synthesize(entry.text, entry.pair.target_language)
        except ProviderError as exc:
            if exc.retryable:
                raise
            logger.warning("no audio for entry %s: %s", entry.pk, exc)
            return entry
        key = f"vocab/audio/{entry.user_id}/{entry.pk}.wav"
        storage.save_bytes(key, audio.wav, content_type="audio/wav")
        if LearnableWordBankEntry.objects.filter(pk=entry.pk, audio="").update(audio=key):
            entry.audio = key
        elif not LearnableWordBankEntry.objects.filter(pk=entry.pk).exists():
            storage.delete(key)  # the entry went away while we were synthesising: leave nothing behind
    return entry


def check_text(text: str, *, field: str = "text") -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InvalidInput(f"{field} must not be blank.", code="invalid")
    if len(text) > 200:
        raise InvalidInput(f"{field} is longer than 200 characters.", code="invalid")
    return text
