"""Deepgram pre-recorded transcription (nova-3): transcript, confidence, word timings."""

from __future__ import annotations

import json

import httpx
import pydantic
from deepgram import DeepgramClient
from deepgram.core.api_error import ApiError
from deepgram.environment import DeepgramClientEnvironment

from .base import ProviderError, Transcript, Word

PROVIDER = "deepgram"


def map_deepgram_error(exc: Exception) -> ProviderError:
    if isinstance(exc, ApiError):
        status = exc.status_code
        if status is None:  # the SDK uses ApiError for "cannot parse the body" too
            return ProviderError(f"unparseable answer: {exc.body}", provider=PROVIDER, retryable=True)
        retryable = status in (408, 409, 429) or status >= 500
        body = exc.body if isinstance(exc.body, dict) else {}
        message = body.get("err_msg") or body.get("message") or str(exc.body)[:200]
        return ProviderError(message, provider=PROVIDER, retryable=retryable, status_code=status)
    if isinstance(exc, httpx.TimeoutException):
        return ProviderError(f"timed out: {exc}", provider=PROVIDER, retryable=True)
    if isinstance(exc, httpx.TransportError):
        return ProviderError(f"connection failed: {exc}", provider=PROVIDER, retryable=True)
    if isinstance(exc, pydantic.ValidationError | json.JSONDecodeError | AttributeError | TypeError | IndexError):
        return ProviderError(f"unparseable answer: {exc}", provider=PROVIDER, retryable=True)
    return ProviderError(f"{type(exc).__name__}: {exc}", provider=PROVIDER, retryable=False)


class DeepgramSTT:
    provider = PROVIDER

    def __init__(self, *, api_key: str, model: str, base_url: str | None, timeout: float, max_retries: int) -> None:
        self.model = model
        environment = DeepgramClientEnvironment.PRODUCTION
        if base_url:
            ws = "ws" + base_url.removeprefix("http")
            environment = DeepgramClientEnvironment(base=base_url, production=ws, agent=ws, agent_rest=base_url)
        # api_key passed explicitly: the SDK's default reads the environment at import time.
        self._client = DeepgramClient(
            api_key=api_key, environment=environment, timeout=timeout, max_retries=max_retries
        )

    def transcribe(self, audio: bytes, *, mime: str, language: str) -> Transcript:
        if not audio:
            raise ProviderError("no audio to transcribe", provider=PROVIDER, retryable=False)
        try:
            response = self._client.listen.v1.media.transcribe_file(
                request=audio,
                model=self.model,
                language=language,
                smart_format=True,
                punctuate=True,
                request_options={"additional_headers": {"Content-Type": mime}} if mime else None,
            )
            channels = response.results.channels or []
            alternatives = (channels[0].alternatives or []) if channels else []
        except Exception as exc:  # the SDK raises ApiError, httpx's and pydantic's errors
            raise map_deepgram_error(exc) from exc
        if not alternatives:  # silence: an honest empty transcript, not an error
            return Transcript(transcript="", confidence=0.0, words=[], provider=PROVIDER, model=self.model)
        best = alternatives[0]
        words = [
            Word(
                word=w.word or w.punctuated_word or "",
                start=float(w.start or 0),
                end=float(w.end or 0),
                confidence=float(w.confidence or 0),
            )
            for w in best.words or []
        ]
        return Transcript(
            transcript=best.transcript or "",
            confidence=float(best.confidence or 0.0),
            words=words,
            provider=PROVIDER,
            model=self.model,
        )
