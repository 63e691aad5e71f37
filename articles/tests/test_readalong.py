"""Read-along audio: the article is spoken per sentence, and the reader gets each sentence's start
and end in the joined audio, aligned with the sentences it draws."""

from __future__ import annotations

import io
import itertools
import wave

import pytest

from articles.models import TranslatedArticle
from langlearn import storage
from langlearn.testing import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "El gato duerme en la casa. La casa es grande.\n\nEl perro come pan. El gato está en el jardín. Está feliz."
SOURCE = "The cat sleeps in the big house while the dog eats bread in the garden. " * 4


def wav_ms(key: str) -> int:
    with wave.open(io.BytesIO(storage.read_bytes(key)), "rb") as w:
        return round(w.getnframes() / w.getframerate() * 1000)


def make_article(client, pair, fake_providers, broker, worker) -> TranslatedArticle:
    fake_providers.push_tool_input({"title": "El gato", "body": BODY, "glossary": []})
    resp = client.post("/api/generation/articles", {"language_pair": str(pair.pk), "text": SOURCE}, format="json")
    assert resp.status_code == 202, resp.json()
    run_jobs(broker, worker)
    return TranslatedArticle.objects.get(pair=pair)


def assert_tiles(timings: list[dict], total_ms: int) -> None:
    assert timings[0]["start_ms"] == 0
    assert timings[-1]["end_ms"] == total_ms
    for before, after in itertools.pairwise(timings):
        assert before["end_ms"] == after["start_ms"]  # no gap, no overlap
    assert all(t["end_ms"] > t["start_ms"] for t in timings)


def test_each_sentence_is_spoken_and_timed_and_the_reader_returns_the_timings(
    auth_client, pair, fake_providers, broker, worker
):
    article = make_article(auth_client, pair, fake_providers, broker, worker)
    # Five sentences, five speech requests: the timings are measured, not estimated.
    spoken = [r.json["contents"][0]["parts"][0]["text"] for r in fake_providers.requests_for("gemini")]
    assert sorted(spoken) == sorted(
        ["El gato duerme en la casa.", "La casa es grande.", "El perro come pan.", "El gato está en el jardín.",
         "Está feliz."]
    )  # fmt: skip
    timings = article.audio_timings
    assert [(t["paragraph"], t["sentence"]) for t in timings] == [(0, 0), (0, 1), (1, 0), (1, 1), (1, 2)]
    assert not any(t["estimated"] for t in timings)
    assert_tiles(timings, wav_ms(article.audio))
    assert article.audio_duration_seconds == pytest.approx(wav_ms(article.audio) / 1000, abs=0.002)

    body = auth_client.get(f"/bff/articles/{article.pk}/reader").json()
    assert body["article"]["audio_timings"] == timings
    # The timings index the sentences the reader draws.
    for t in timings:
        tokens = body["paragraphs"][t["paragraph"]]["sentences"][t["sentence"]]["tokens"]
        assert "".join(tok["text"] + tok["whitespace"] for tok in tokens).strip() == t["text"]


def test_a_long_text_is_spoken_in_a_bounded_number_of_calls(
    auth_client, pair, fake_providers, broker, worker, settings
):
    settings.READALONG_MAX_TTS_CALLS = 2
    article = make_article(auth_client, pair, fake_providers, broker, worker)
    assert len(fake_providers.requests_for("gemini")) == 2
    timings = article.audio_timings
    assert len(timings) == 5
    assert any(t["estimated"] for t in timings)
    assert_tiles(timings, wav_ms(article.audio))
