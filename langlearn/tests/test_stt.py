"""Deepgram STT through the real deepgram-sdk against the fake server."""

import pytest

from langlearn.clients import ProviderError, get_stt

AUDIO = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(100)


def test_transcribe_sends_model_language_audio_and_auth(fake_providers, settings):
    settings.STT_MODEL = "nova-3"
    fake_providers.push_transcript("Buenos días, señor", confidence=0.91)

    result = get_stt().transcribe(AUDIO, mime="audio/wav", language="es")

    assert result.transcript == "Buenos días, señor"
    assert result.confidence == pytest.approx(0.91)
    assert [w.word for w in result.words] == ["buenos", "días", "señor"]
    assert all(w.end > w.start for w in result.words)
    assert result.words[1].start >= result.words[0].end
    assert (result.provider, result.model) == ("deepgram", "nova-3")
    [req] = fake_providers.requests_for("deepgram")
    assert req.method == "POST"
    assert req.path == "/v1/listen"
    assert req.query["model"] == ["nova-3"]
    assert req.query["language"] == ["es"]
    assert req.headers["authorization"] == "Token fake-deepgram-key"
    assert req.headers["content-type"] == "audio/wav"
    assert req.body == AUDIO


def test_default_answer(fake_providers):
    result = get_stt().transcribe(AUDIO, mime="audio/webm", language="es")
    assert result.transcript == "hola mundo"
    assert result.confidence == pytest.approx(0.98)
    assert len(result.words) == 2


def test_no_alternatives_is_an_honest_empty_transcript(fake_providers):
    fake_providers.push(
        "deepgram",
        json={
            "metadata": {
                "request_id": "r",
                "created": "2026-01-01T00:00:00Z",
                "duration": 1.0,
                "channels": 1,
                "models": ["m"],
                "model_info": {},
            },
            "results": {"channels": [{"alternatives": []}]},
        },
    )
    result = get_stt().transcribe(AUDIO, mime="audio/wav", language="es")
    assert (result.transcript, result.confidence, result.words) == ("", 0.0, [])


def test_empty_audio_is_refused_without_a_call(fake_providers):
    with pytest.raises(ProviderError) as err:
        get_stt().transcribe(b"", mime="audio/wav", language="es")
    assert err.value.retryable is False
    assert fake_providers.requests_for("deepgram") == []


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (500, True), (502, True), (400, False), (401, False)])
def test_status_errors_map_to_retryable(fake_providers, status, retryable):
    fake_providers.push_error("deepgram", status)
    with pytest.raises(ProviderError) as err:
        get_stt().transcribe(AUDIO, mime="audio/wav", language="es")
    assert err.value.provider == "deepgram"
    assert err.value.status_code == status
    assert err.value.retryable is retryable


def test_timeout_is_retryable(fake_providers, settings):
    settings.PROVIDER_TIMEOUT_SECONDS = 0.3
    fake_providers.push_hang("deepgram", 3)
    with pytest.raises(ProviderError) as err:
        get_stt().transcribe(AUDIO, mime="audio/wav", language="es")
    assert err.value.retryable is True


def test_malformed_body_is_retryable(fake_providers):
    fake_providers.push_malformed("deepgram")
    with pytest.raises(ProviderError) as err:
        get_stt().transcribe(AUDIO, mime="audio/wav", language="es")
    assert err.value.retryable is True


def test_sdk_retry_recovers_from_429(fake_providers, settings):
    settings.PROVIDER_SDK_MAX_RETRIES = 1
    fake_providers.push_error("deepgram", 429)
    assert get_stt().transcribe(AUDIO, mime="audio/wav", language="es").transcript == "hola mundo"
    assert len(fake_providers.requests_for("deepgram")) == 2
