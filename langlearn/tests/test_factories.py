"""get_* pick the real client when a key is set and the offline demo otherwise; /readyz says which."""

import io
import wave

import jsonschema
import pytest

from langlearn.clients import (
    call_budget_seconds,
    get_llm,
    get_nlp,
    get_stt,
    get_translator,
    get_tts,
    provider_status,
    reset_clients,
)
from langlearn.clients.llm import AnthropicLLM
from langlearn.clients.offline import OfflineLLM, OfflineSTT, OfflineTranslator, OfflineTTS

ARTICLE = (
    "Please simplify the following text for an A2 learner.\n\n"
    "El tren salió de Madrid a las ocho. Llegó a Sevilla por la tarde. "
    "Los viajeros estaban cansados pero contentos. Cenaron en una plaza muy bonita."
)


def test_no_keys_means_offline_providers():
    assert isinstance(get_llm(), OfflineLLM)
    assert isinstance(get_tts(), OfflineTTS)
    assert isinstance(get_translator(), OfflineTranslator)
    assert isinstance(get_stt(), OfflineSTT)
    assert provider_status() == {
        "llm": "offline",
        "tts": "offline",
        "translation": "offline",
        "stt": "offline",
        "nlp": "local",
    }


def test_clients_follow_settings_changes(settings):
    offline = get_llm()
    assert get_llm() is offline  # cached
    settings.ANTHROPIC_API_KEY = "k"
    real = get_llm()
    assert isinstance(real, AnthropicLLM)
    settings.LLM_MODEL = "claude-haiku-4-5"
    assert get_llm() is not real
    assert get_llm().model == "claude-haiku-4-5"
    reset_clients()
    assert get_llm() is not real


def test_readyz_reports_configured_and_offline(api_client, settings, db):
    settings.DEEPL_API_KEY = "k"
    body = api_client.get("/readyz").json()
    assert body["providers"]["translation"] == "configured"
    assert body["providers"]["llm"] == "offline"


def test_offline_llm_extracts_sentences_from_the_input():
    result = get_llm().generate_text(system="s", prompt=ARTICLE, max_tokens=30)
    assert result.provider == "offline"
    assert result.text.startswith("El tren salió de Madrid a las ocho.")
    assert "simplify" not in result.text
    for sentence in result.text.split(". "):
        assert sentence.rstrip(".") in ARTICLE


def test_offline_structured_output_is_schema_valid_and_built_from_the_input():
    schema = {
        "type": "object",
        "required": ["title", "choices"],
        "properties": {
            "title": {"type": "string", "maxLength": 40},
            "choices": {"type": "array", "minItems": 3, "items": {"type": "string"}},
        },
    }
    result = get_llm().generate_structured(
        system="s", prompt=ARTICLE, schema_name="scene", json_schema=schema, max_tokens=300
    )
    jsonschema.validate(result.data, schema)
    assert result.provider == "offline"
    assert all(choice in ARTICLE for choice in result.data["choices"])


def test_offline_tts_makes_a_real_wav():
    audio = get_tts().synthesize("Hola a todos", "es")
    with wave.open(io.BytesIO(audio.wav)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 24_000)
        assert w.getnframes() == int(audio.duration_seconds * 24_000)
    assert audio.provider == "offline"
    assert 0.5 <= audio.duration_seconds <= 3


def test_offline_translation_is_visibly_a_demo():
    batch = get_translator().translate(["Good morning"], source="en", target="es")
    assert batch.provider == "offline"
    assert batch.texts == ["[demo en→es] Good morning"]
    assert get_translator().can_translate_to("es") is True
    assert get_translator().can_translate_to("xx") is False


def test_offline_stt_says_it_is_not_configured_instead_of_hearing_nothing():
    from langlearn.clients.base import NotConfigured

    with pytest.raises(NotConfigured) as caught:
        get_stt().transcribe(b"audio", mime="audio/wav", language="es")
    assert (caught.value.setting, caught.value.retryable) == ("DEEPGRAM_API_KEY", False)


def test_nlp_is_one_shared_instance():
    assert get_nlp() is get_nlp()


def test_call_budget_covers_every_sdk_attempt(settings):
    settings.PROVIDER_TIMEOUT_SECONDS = 30
    settings.PROVIDER_SDK_MAX_RETRIES = 1
    assert call_budget_seconds() == 68
    assert call_budget_seconds(3) == 204


def test_offline_llm_prefers_the_fenced_source_over_longer_instructions():
    instructions = "Write a learner article in Spanish at CEFR level A2 with short sentences. " * 4
    prompt = f"{instructions}\n\n<source>\nEl perro corre. El gato duerme.\n</source>"
    result = get_llm().generate_text(system="s", prompt=prompt, max_tokens=50)
    assert result.text == "El perro corre. El gato duerme."
