"""Gemini TTS: text → WAV (24 kHz, 16-bit, mono PCM wrapped with a RIFF header)."""

from __future__ import annotations

import re

import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from .audio import SAMPLE_RATE, SAMPLE_WIDTH, pcm_seconds, pcm_to_wav
from .base import AudioResult, ProviderError

PROVIDER = "gemini"
# Between chunks of a long text, so sentences joined from two requests do not run together.
_CHUNK_GAP_SECONDS = 0.25
_SENTENCE_END = re.compile(r"(?<=[.!?…。\uff01\uff1f])[\"'»”)\]]*\s+")


def split_for_tts(text: str, max_chars: int) -> list[str]:
    """Sentences packed greedily into chunks of at most `max_chars`; a sentence longer than that
    is cut at the last comma or space before the limit (never inside a word when avoidable)."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return [text] if text else []
    pieces: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > max_chars:
            cut = max(sentence.rfind(", ", 0, max_chars), sentence.rfind(" ", 0, max_chars))
            cut = cut + 1 if cut > 0 else max_chars
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 1 + len(piece) <= max_chars:
            chunks[-1] = f"{chunks[-1]} {piece}"
        else:
            chunks.append(piece)
    return chunks


def _rate_from_mime(mime: str | None) -> int:
    match = re.search(r"rate=(\d+)", mime or "")
    return int(match.group(1)) if match else SAMPLE_RATE


def map_gemini_error(exc: Exception) -> ProviderError:
    if isinstance(exc, genai_errors.APIError):
        code = exc.code
        retryable = code in (408, 429) or code >= 500
        return ProviderError(
            f"{exc.status or 'error'}: {exc.message}", provider=PROVIDER, retryable=retryable, status_code=code
        )
    if isinstance(exc, httpx2.TimeoutException):
        return ProviderError(f"timed out: {exc}", provider=PROVIDER, retryable=True)
    if isinstance(exc, httpx2.TransportError):
        return ProviderError(f"connection failed: {exc}", provider=PROVIDER, retryable=True)
    if isinstance(exc, ValueError):  # JSON decode / pydantic validation of the answer
        return ProviderError(f"unparseable answer: {exc}", provider=PROVIDER, retryable=True)
    return ProviderError(f"{type(exc).__name__}: {exc}", provider=PROVIDER, retryable=False)


class GeminiTTS:
    provider = PROVIDER

    def __init__(
        self,
        *,
        api_key: str,
        model: str,
        base_url: str | None,
        timeout: float,
        max_retries: int,
        retry_initial_delay: float,
        voices: dict[str, str],
        default_voice: str,
        max_chars: int,
    ) -> None:
        self.model = model
        self.voices = voices
        self.default_voice = default_voice
        self.max_chars = max_chars
        retry = None
        if max_retries > 0:
            retry = types.HttpRetryOptions(
                attempts=max_retries + 1,
                initial_delay=retry_initial_delay,
                max_delay=8.0,
                http_status_codes=[408, 429, 500, 502, 503, 504],
            )
        # The preview TTS models live on v1beta (the SDK's default is v1). Timeout is in ms.
        options = types.HttpOptions(
            base_url=base_url or None, api_version="v1beta", timeout=int(timeout * 1000), retry_options=retry
        )
        # Keep the Client referenced: a collected Client closes its HTTP client under us.
        self._client = genai.Client(api_key=api_key, http_options=options)

    def voice_for(self, language: str) -> str:
        return self.voices.get(language) or self.voices.get(language.split("-")[0].lower()) or self.default_voice

    def synthesize(self, text: str, language: str, voice: str | None = None) -> AudioResult:
        voice = voice or self.voice_for(language)
        chunks = split_for_tts(text, self.max_chars)
        if not chunks:
            raise ProviderError("nothing to speak: empty text", provider=PROVIDER, retryable=False)
        pcm = bytearray()
        for i, chunk in enumerate(chunks):
            if i:
                pcm.extend(b"\x00" * int(SAMPLE_RATE * _CHUNK_GAP_SECONDS) * SAMPLE_WIDTH)
            pcm.extend(self._speak(chunk, voice))
        return AudioResult(
            wav=pcm_to_wav(bytes(pcm)),
            model=self.model,
            provider=PROVIDER,
            voice=voice,
            duration_seconds=pcm_seconds(bytes(pcm)),
        )

    def _speak(self, text: str, voice: str) -> bytes:
        config = types.GenerateContentConfig(
            response_modalities=["AUDIO"],
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
            speech_config=types.SpeechConfig(
                voice_config=types.VoiceConfig(prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=voice))
            ),
        )
        try:
            response = self._client.models.generate_content(model=self.model, contents=text, config=config)
        except Exception as exc:  # the SDK raises its own, httpx2's and pydantic's errors
            raise map_gemini_error(exc) from exc
        parts = response.candidates[0].content.parts if response.candidates and response.candidates[0].content else []
        inline = next((p.inline_data for p in parts or [] if p.inline_data and p.inline_data.data), None)
        if inline is None:
            # Gemini TTS occasionally answers text tokens or nothing (finishReason OTHER); a retry usually works.
            reason = response.candidates[0].finish_reason if response.candidates else "no candidates"
            raise ProviderError(f"no audio in the answer ({reason})", provider=PROVIDER, retryable=True)
        rate = _rate_from_mime(inline.mime_type)
        if rate != SAMPLE_RATE:
            raise ProviderError(f"unexpected sample rate {rate}", provider=PROVIDER, retryable=False)
        return inline.data
