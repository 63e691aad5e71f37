"""Read-along synthesis with the offline speech provider (a real WAV per call, no network)."""

from __future__ import annotations

import io
import itertools
import re
import wave

import pytest

from langlearn.clients.offline import OfflineTTS
from langlearn.clients.readalong import SpeechSentence, speech_sentences, synthesize_read_along

SENTENCES = [SpeechSentence(paragraph=i // 3, sentence=i % 3, text=f"Frase número {i} del texto.") for i in range(10)]


def total_ms(wav: bytes) -> int:
    with wave.open(io.BytesIO(wav), "rb") as w:
        return round(w.getnframes() / w.getframerate() * 1000)


class CountingTTS(OfflineTTS):
    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def synthesize(self, text, language, voice=None):
        self.texts.append(text)
        return super().synthesize(text, language, voice)


@pytest.mark.parametrize("max_calls", [1, 3, 10, 50])
def test_timings_tile_the_audio_within_the_call_budget(max_calls):
    tts = CountingTTS()
    result = synthesize_read_along(tts, SENTENCES, language="es", max_calls=max_calls, concurrency=3)
    assert len(tts.texts) == result.calls == min(max_calls, len(SENTENCES))
    assert [(t["paragraph"], t["sentence"]) for t in result.timings] == [(s.paragraph, s.sentence) for s in SENTENCES]
    assert result.timings[0]["start_ms"] == 0
    assert result.timings[-1]["end_ms"] == total_ms(result.wav)
    for a, b in itertools.pairwise(result.timings):
        assert a["end_ms"] == b["start_ms"]
        assert a["end_ms"] > a["start_ms"]
    assert all(t["estimated"] == (max_calls < len(SENTENCES)) for t in result.timings)
    # Every sentence is spoken exactly once (chunks are spoken concurrently, in any order).
    spoken = sorted(re.findall(r"[^.]+\.", " ".join(tts.texts)), key=str.strip)
    assert [s.strip() for s in spoken] == sorted(s.text for s in SENTENCES)


def test_without_a_pipeline_each_paragraph_is_one_sentence():
    assert speech_sentences(["Uno. Dos.", "", "Tres."], language="es", nlp=None) == [
        SpeechSentence(0, 0, "Uno. Dos."),
        SpeechSentence(2, 0, "Tres."),
    ]
