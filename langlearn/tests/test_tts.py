"""Gemini TTS through the real google-genai SDK against the fake server."""

import io
import struct
import wave

import pytest

from langlearn.clients import ProviderError, get_tts
from langlearn.clients.audio import tone_pcm
from langlearn.clients.tts import split_for_tts


def _wav_header(wav: bytes) -> dict:
    riff, riff_size, wave_id = struct.unpack("<4sI4s", wav[:12])
    fmt_id, fmt_size, audio_format, channels, rate, byte_rate, block_align, bits = struct.unpack(
        "<4sIHHIIHH", wav[12:36]
    )
    data_id, data_size = struct.unpack("<4sI", wav[36:44])
    return dict(
        riff=riff,
        riff_size=riff_size,
        wave=wave_id,
        fmt=fmt_id,
        fmt_size=fmt_size,
        audio_format=audio_format,
        channels=channels,
        rate=rate,
        byte_rate=byte_rate,
        block_align=block_align,
        bits=bits,
        data=data_id,
        data_size=data_size,
    )


def test_synthesize_returns_a_correct_wav_and_sends_model_and_voice(fake_providers, settings):
    settings.TTS_VOICES = {"es": "Puck", "fr": "Leda"}
    pcm = tone_pcm(0.5)
    fake_providers.push_audio(pcm)

    audio = get_tts().synthesize("¡Hola, mundo!", "es")

    header = _wav_header(audio.wav)
    assert header == dict(
        riff=b"RIFF",
        riff_size=len(audio.wav) - 8,
        wave=b"WAVE",
        fmt=b"fmt ",
        fmt_size=16,
        audio_format=1,
        channels=1,
        rate=24_000,
        byte_rate=48_000,
        block_align=2,
        bits=16,
        data=b"data",
        data_size=len(pcm),
    )
    assert audio.wav[44:] == pcm
    with wave.open(io.BytesIO(audio.wav)) as w:  # the stdlib reader agrees
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (1, 2, 24_000, 12_000)
    assert audio.duration_seconds == pytest.approx(0.5)
    assert audio.voice == "Puck"
    assert audio.provider == "gemini"

    [req] = fake_providers.requests_for("gemini")
    assert req.path == f"/v1beta/models/{settings.TTS_MODEL}:generateContent"
    assert req.headers["x-goog-api-key"] == "fake-gemini-key"
    assert req.json["contents"][0]["parts"][0]["text"] == "¡Hola, mundo!"
    config = req.json["generationConfig"]
    assert config["responseModalities"] == ["AUDIO"]
    assert config["speechConfig"]["voice_config"]["prebuilt_voice_config"]["voice_name"] == "Puck"


def test_voice_falls_back_from_variant_to_base_language_to_default(fake_providers, settings):
    settings.TTS_VOICES = {"pt": "Puck"}
    settings.TTS_DEFAULT_VOICE = "Kore"
    tts = get_tts()
    assert tts.synthesize("Olá.", "pt-BR").voice == "Puck"
    assert tts.synthesize("Hallo.", "de").voice == "Kore"
    assert tts.synthesize("Hallo.", "de", voice="Charon").voice == "Charon"


def test_long_text_is_split_at_sentences_and_joined(fake_providers, settings):
    settings.TTS_MAX_CHARS = 40
    text = "Esta es la primera frase. Esta es la segunda frase. ¿Y la tercera? ¡Aquí está!"

    audio = get_tts().synthesize(text, "es")

    sent = [r.json["contents"][0]["parts"][0]["text"] for r in fake_providers.requests_for("gemini")]
    # greedy packing of whole sentences up to 40 characters
    assert sent == ["Esta es la primera frase.", "Esta es la segunda frase. ¿Y la tercera?", "¡Aquí está!"]
    with wave.open(io.BytesIO(audio.wav)) as w:
        frames = w.getnframes()
    # three 0.3 s answers from the fake plus two 0.25 s gaps
    assert frames == 3 * 7_200 + 2 * 6_000
    assert audio.duration_seconds == pytest.approx(1.4)


def test_split_for_tts_cuts_overlong_sentences_between_words():
    chunks = split_for_tts("una palabra " * 30, 50)
    assert all(len(c) <= 50 for c in chunks)
    assert " ".join(chunks) == ("una palabra " * 30).strip()


def test_empty_text_is_refused_without_a_call(fake_providers):
    with pytest.raises(ProviderError) as err:
        get_tts().synthesize("   ", "es")
    assert err.value.retryable is False
    assert fake_providers.requests_for("gemini") == []


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (500, True), (503, True), (400, False), (403, False)])
def test_status_errors_map_to_retryable(fake_providers, status, retryable):
    fake_providers.push_error("gemini", status)
    with pytest.raises(ProviderError) as err:
        get_tts().synthesize("Hola.", "es")
    assert err.value.provider == "gemini"
    assert err.value.status_code == status
    assert err.value.retryable is retryable


def test_timeout_is_retryable(fake_providers, settings):
    settings.PROVIDER_TIMEOUT_SECONDS = 0.3
    fake_providers.push_hang("gemini", 3)
    with pytest.raises(ProviderError) as err:
        get_tts().synthesize("Hola.", "es")
    assert err.value.retryable is True


def test_malformed_body_is_retryable(fake_providers):
    fake_providers.push_malformed("gemini")
    with pytest.raises(ProviderError) as err:
        get_tts().synthesize("Hola.", "es")
    assert err.value.retryable is True


def test_answer_without_audio_is_retryable(fake_providers):
    fake_providers.push(
        "gemini",
        json={"candidates": [{"content": {"role": "model", "parts": [{"text": "hm"}]}, "finishReason": "OTHER"}]},
    )
    with pytest.raises(ProviderError) as err:
        get_tts().synthesize("Hola.", "es")
    assert err.value.retryable is True
    assert "no audio" in err.value.message


def test_sdk_retry_recovers_from_503(fake_providers, settings):
    settings.PROVIDER_SDK_MAX_RETRIES = 1
    fake_providers.push_error("gemini", 503)
    assert get_tts().synthesize("Hola.", "es").wav.startswith(b"RIFF")
    assert len(fake_providers.requests_for("gemini")) == 2
