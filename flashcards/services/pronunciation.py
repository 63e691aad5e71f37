"""Pronunciation practice: transcribe the learner saying a card's word or phrase and score it
against the expected text. The audio is only passed to the STT client, never stored."""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from langlearn.clients.base import NotConfigured, ProviderError, STTClient
from langlearn.errors import InvalidInput, ProviderUnavailable, STTNotConfigured

from ..models import Flashcard

# Magic numbers of the accepted formats: the declared content type is only what the client claims.
_SIGNATURES: list[tuple[str, int, bytes]] = [
    ("audio/wav", 8, b"WAVE"),
    ("audio/ogg", 0, b"OggS"),
    ("audio/webm", 0, b"\x1a\x45\xdf\xa3"),
    ("audio/mp4", 4, b"ftyp"),  # m4a
    ("audio/mpeg", 0, b"ID3"),
]
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation + "¡¿«»“”\u2018\u2019…—\u2013"})


def sniff_audio(data: bytes) -> str:
    """The MIME type of wav/mp3/ogg/webm/m4a audio, from its first bytes; InvalidInput otherwise."""
    for mime, offset, magic in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            if mime == "audio/wav" and not data.startswith(b"RIFF"):
                continue
            return mime
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:  # an MPEG audio frame without ID3
        return "audio/mpeg"
    raise InvalidInput("Audio must be wav, mp3, ogg, webm or m4a.", code="unsupported_audio")


def normalize_words(text: str) -> list[str]:
    """Case, accents and punctuation do not count against the learner."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_PUNCTUATION).split()


@dataclass(frozen=True)
class PronunciationResult:
    transcript: str
    expected: str
    score: int
    confidence: float
    words: list[dict] = field(default_factory=list)


def pronunciation_score(*, card: Flashcard, audio: bytes, stt: STTClient) -> PronunciationResult:
    mime = sniff_audio(audio)
    expected = card.entry.text
    try:
        transcript = stt.transcribe(audio, mime=mime, language=card.pair.target_language)
    except NotConfigured as exc:
        raise STTNotConfigured() from exc
    except ProviderError as exc:
        if exc.retryable:
            raise ProviderUnavailable("Speech recognition is unavailable right now; try again shortly.")
        raise InvalidInput("This recording could not be transcribed.", code="transcription_failed")
    heard = normalize_words(transcript.transcript)
    wanted = normalize_words(expected)
    score = round(SequenceMatcher(None, " ".join(wanted), " ".join(heard)).ratio() * 100) if wanted else 0
    remaining = list(heard)
    words = []
    for original, norm in zip(expected.split(), [normalize_words(w) for w in expected.split()], strict=True):
        matched = bool(norm) and all(w in remaining for w in norm)
        if matched:
            for w in norm:
                remaining.remove(w)
        words.append({"word": original, "matched": matched})
    return PronunciationResult(
        transcript=transcript.transcript,
        expected=expected,
        score=max(0, min(100, score)),
        confidence=float(transcript.confidence),
        words=words,
    )
