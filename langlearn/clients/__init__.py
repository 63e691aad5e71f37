"""Provider clients. Features obtain them here; tests point the real SDKs at a loopback fake.

Filled in by the provider-layer issue: get_llm, get_tts, get_translator, get_stt, get_nlp return
the real SDK client when the provider's key is set, otherwise the offline demo provider.
"""

from django.conf import settings

from .base import ProviderError, UnsupportedLanguage  # noqa: F401


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
