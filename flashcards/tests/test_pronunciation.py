"""Pronunciation scoring through the real Deepgram SDK against the loopback fake server."""

import io
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vocab.tests.factories import card_for

pytestmark = pytest.mark.django_db


def wav(seconds: float = 0.2) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * int(16000 * seconds))
    return buf.getvalue()


def upload(client, card, data: bytes, name: str = "say.wav", content_type: str = "audio/wav"):
    f = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(f"/api/flashcards/{card.pk}/pronunciation", {"audio": f}, format="multipart")


def test_exact_match_scores_100_ignoring_case_accents_and_punctuation(auth_client, pair, fake_providers, settings):
    card = card_for(pair, text="Buenos días", lemma="buenos días")
    fake_providers.push_transcript("¡buenos DIAS!")
    r = upload(auth_client, card, wav())
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["transcript"], body["expected"], body["score"]) == ("¡buenos DIAS!", "Buenos días", 100)
    assert body["words"] == [{"word": "Buenos", "matched": True}, {"word": "días", "matched": True}]
    (call,) = fake_providers.requests_for("deepgram")
    assert call.query["language"] == ["es"]
    assert call.body[:4] == b"RIFF"
    assert call.headers["content-type"] == "audio/wav"
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(media.rglob("*"))  # the recording is not kept


def test_partial_match(auth_client, pair, fake_providers):
    card = card_for(pair, text="buenos días", lemma="buenos días")
    fake_providers.push_transcript("buenas dias")
    body = upload(auth_client, card, wav()).json()
    assert 50 < body["score"] < 100
    assert body["words"] == [{"word": "buenos", "matched": False}, {"word": "días", "matched": True}]


def test_nothing_heard_scores_0(auth_client, pair, fake_providers):
    card = card_for(pair, text="perro", lemma="perro")
    fake_providers.push_transcript("", confidence=0.0)
    body = upload(auth_client, card, wav()).json()
    assert body["score"] == 0
    assert body["words"] == [{"word": "perro", "matched": False}]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"ID3" + b"\x00" * 100, "a.mp3"),
        (b"OggS" + b"\x00" * 100, "a.ogg"),
        (b"\x1a\x45\xdf\xa3" + b"\x00" * 100, "a.webm"),
        (b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 100, "a.m4a"),
    ],
)
def test_accepted_formats(auth_client, pair, fake_providers, data, name):
    card = card_for(pair)
    assert upload(auth_client, card, data, name=name, content_type="application/octet-stream").status_code == 200


def test_not_audio_is_400_and_never_sent(auth_client, pair, fake_providers):
    card = card_for(pair)
    r = upload(auth_client, card, b"%PDF-1.7 not audio", name="x.wav")
    assert r.status_code == 400
    assert r.json()["code"] == "unsupported_audio"
    assert fake_providers.requests_for("deepgram") == []


def test_more_than_5_mb_is_413_and_never_sent(auth_client, pair, fake_providers):
    card = card_for(pair)
    r = upload(auth_client, card, wav(0.1) + b"\x00" * (5 * 1024 * 1024))
    assert r.status_code == 413
    assert fake_providers.requests_for("deepgram") == []


def test_missing_file_is_400(auth_client, pair, fake_providers):
    card = card_for(pair)
    r = auth_client.post(f"/api/flashcards/{card.pk}/pronunciation", {}, format="multipart")
    assert r.status_code == 400
    assert r.json()["code"] == "audio_missing"


@pytest.mark.parametrize(
    ("status", "expected", "code"), [(503, 503, "provider_unavailable"), (400, 400, "transcription_failed")]
)
def test_stt_errors(auth_client, pair, fake_providers, status, expected, code):
    card = card_for(pair)
    fake_providers.push_error("deepgram", status)
    r = upload(auth_client, card, wav())
    assert r.status_code == expected
    assert r.json()["code"] == code


def test_without_a_speech_to_text_key_the_answer_is_503_not_a_score_of_0(auth_client, pair, settings):
    from langlearn.clients import reset_clients

    settings.DEEPGRAM_API_KEY = ""
    reset_clients()
    card = card_for(pair, text="Buenos días", lemma="buenos días")
    r = upload(auth_client, card, wav())
    reset_clients()
    assert r.status_code == 503
    assert r.json()["code"] == "stt_not_configured"
    assert "score" not in r.json()
    assert "Retry-After" not in r.headers  # waiting does not help: the server needs a key
