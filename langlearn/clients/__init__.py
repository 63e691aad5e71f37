"""Provider clients. Features obtain them here, never from an SDK directly.

`get_llm()`, `get_tts()`, `get_translator()`, `get_stt()` return the real SDK client when the
provider's key is set (pointed at its base URL when one is given: that is how tests and staging
use the fake server in `fakes.py`), otherwise the offline demo provider. Clients are built once
and cached under the settings they were built from, so a changed setting (a test's `settings`
fixture) gets a fresh client; `reset_clients()` drops them all. `get_nlp()` is one shared spaCy
holder per process: its pipelines are expensive and depend on no setting.

SDK modules are imported lazily so that importing this package stays cheap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .base import (  # noqa: F401  (re-exported contract)
    Analysis,
    AudioResult,
    LLMClient,
    MalformedOutput,
    NLPClient,
    ProviderError,
    Sentence,
    StructuredResult,
    STTClient,
    TextResult,
    Token,
    Transcript,
    Translation,
    TranslationBatch,
    TranslationClient,
    TTSClient,
    UnsupportedLanguage,
    Usage,
    Word,
)

_lock = threading.Lock()
_clients: dict[str, tuple[tuple[Any, ...], Any]] = {}
_nlp: Any = None


def _cached(kind: str, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    with _lock:
        found = _clients.get(kind)
        if found is not None and found[0] == key:
            return found[1]
        client = build()
        _clients[kind] = (key, client)
        return client


def reset_clients() -> None:
    """Forget every cached client (the next get_* builds anew from current settings)."""
    with _lock:
        _clients.clear()


def _common() -> tuple[float, int]:
    return float(settings.PROVIDER_TIMEOUT_SECONDS), int(settings.PROVIDER_SDK_MAX_RETRIES)


def call_budget_seconds(calls: int = 1) -> float:
    """Worst-case wall time of `calls` provider calls: every SDK attempt may run into the
    timeout, with up to 8 s of backoff between attempts. An actor's time_limit must exceed
    this for the calls it makes (a long TTS text makes one call per chunk)."""
    timeout, retries = _common()
    return calls * (timeout * (retries + 1) + 8.0 * retries)


def get_llm() -> LLMClient:
    key = (settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.LLM_MODEL, *_common())

    def build() -> LLMClient:
        if not settings.ANTHROPIC_API_KEY:
            from .offline import OfflineLLM

            return OfflineLLM()
        from .llm import AnthropicLLM

        timeout, retries = _common()
        return AnthropicLLM(
            api_key=settings.ANTHROPIC_API_KEY,
            base_url=settings.ANTHROPIC_BASE_URL,
            model=settings.LLM_MODEL,
            timeout=timeout,
            max_retries=retries,
        )

    return _cached("llm", key, build)


def get_tts() -> TTSClient:
    voices = tuple(sorted(settings.TTS_VOICES.items()))
    key = (
        settings.GEMINI_API_KEY,
        settings.GEMINI_BASE_URL,
        settings.TTS_MODEL,
        *_common(),
        voices,
        settings.TTS_DEFAULT_VOICE,
        settings.TTS_MAX_CHARS,
        settings.PROVIDER_SDK_RETRY_INITIAL_DELAY,
    )

    def build() -> TTSClient:
        if not settings.GEMINI_API_KEY:
            from .offline import OfflineTTS

            return OfflineTTS()
        from .tts import GeminiTTS

        timeout, retries = _common()
        return GeminiTTS(
            api_key=settings.GEMINI_API_KEY,
            base_url=settings.GEMINI_BASE_URL,
            model=settings.TTS_MODEL,
            timeout=timeout,
            max_retries=retries,
            retry_initial_delay=settings.PROVIDER_SDK_RETRY_INITIAL_DELAY,
            voices=dict(settings.TTS_VOICES),
            default_voice=settings.TTS_DEFAULT_VOICE,
            max_chars=settings.TTS_MAX_CHARS,
        )

    return _cached("tts", key, build)


def get_translator() -> TranslationClient:
    key = (settings.DEEPL_API_KEY, settings.DEEPL_SERVER_URL, *_common())

    def build() -> TranslationClient:
        if not settings.DEEPL_API_KEY:
            from .offline import OfflineTranslator

            return OfflineTranslator()
        from .translation import DeepLTranslator

        timeout, retries = _common()
        return DeepLTranslator(
            api_key=settings.DEEPL_API_KEY, server_url=settings.DEEPL_SERVER_URL, timeout=timeout, max_retries=retries
        )

    return _cached("translation", key, build)


def get_stt() -> STTClient:
    key = (settings.DEEPGRAM_API_KEY, settings.DEEPGRAM_BASE_URL, settings.STT_MODEL, *_common())

    def build() -> STTClient:
        if not settings.DEEPGRAM_API_KEY:
            from .offline import OfflineSTT

            return OfflineSTT()
        from .stt import DeepgramSTT

        timeout, retries = _common()
        return DeepgramSTT(
            api_key=settings.DEEPGRAM_API_KEY,
            base_url=settings.DEEPGRAM_BASE_URL,
            model=settings.STT_MODEL,
            timeout=timeout,
            max_retries=retries,
        )

    return _cached("stt", key, build)


def get_nlp() -> NLPClient:
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                from .nlp import SpacyNLP

                _nlp = SpacyNLP()
    return _nlp


@dataclass(frozen=True)
class Providers:
    """Every provider client, for code that picks which ones it needs as it goes (a job's steps):
    the actor resolves them once with `get_providers()` and hands them down."""

    llm: LLMClient
    tts: TTSClient
    translator: TranslationClient
    stt: STTClient
    nlp: NLPClient


def get_providers() -> Providers:
    """Cheap: clients are cached and SDK clients connect on first call, not when built."""
    return Providers(llm=get_llm(), tts=get_tts(), translator=get_translator(), stt=get_stt(), nlp=get_nlp())


def provider_status() -> dict[str, str]:
    """Which providers are configured (real SDK) and which run offline; calls nothing paid."""
    keys = {
        "llm": settings.ANTHROPIC_API_KEY,
        "tts": settings.GEMINI_API_KEY,
        "translation": settings.DEEPL_API_KEY,
        "stt": settings.DEEPGRAM_API_KEY,
    }
    status = {name: "configured" if key else "offline" for name, key in keys.items()}
    status["nlp"] = "local"
    return status
