"""The offline writer never echoes instructions: articles are built from the pasted source and
scenes from a templated story in the target language, all labelled as the offline demo."""

from __future__ import annotations

import io
import shutil
import wave

import pytest

from adventures.prompts import ScenePrompt, scene_prompt, scene_schema, system_prompt
from articles.prompts import ARTICLE_SCHEMA, SYSTEM, article_prompt, revision_prompt
from langlearn.clients.offline import OfflineLLM, OfflineTTS

SOURCE = (
    "The town held its yearly river festival. Boats sailed along the water all afternoon. "
    "Thousands of visitors came from nearby villages to watch the parade. Music played until midnight."
)


def test_an_offline_article_is_the_source_labelled_as_a_demo():
    prompt = article_prompt(
        source_text=SOURCE, target_language="es", learner_language="en", level="A2", length="short",
        title_hint="", due_words=["río"], new_words_per_100=3,
    )  # fmt: skip
    data = (
        OfflineLLM()
        .generate_structured(
            system=SYSTEM, prompt=prompt, schema_name="learner_article", json_schema=ARTICLE_SCHEMA, max_tokens=500
        )
        .data
    )
    assert data["title"].startswith("[offline demo]")
    assert data["body"]
    assert all(sentence in SOURCE for sentence in data["body"].split(". ")[:-1])
    assert "CEFR" not in data["body"]
    assert "glossary" not in data["body"]


def test_an_offline_revision_drops_sentences_with_unknown_words():
    prompt = revision_prompt(
        title="T", body="El gato come. El felino devora salmón. La casa es grande.", target_language="es",
        learner_language="en", level="A2", coverage=0.5, target=0.95, unknown=["felino", "devorar", "salmón"],
        keep=["gato"], new_words_allowed=1,
    )  # fmt: skip
    data = (
        OfflineLLM()
        .generate_structured(
            system=SYSTEM, prompt=prompt, schema_name="learner_article", json_schema=ARTICLE_SCHEMA, max_tokens=500
        )
        .data
    )
    assert "felino" not in data["body"]
    assert "gato" in data["body"]


def test_an_offline_scene_is_a_story_in_the_target_language_not_the_instructions():
    p = ScenePrompt(
        target_language="es", source_language="en", level="A2", genre="mystery", premise="", depth=1,
        target_length=5, title="", branch=[], study_words=[],
    )  # fmt: skip
    schema = scene_schema(opening=p.opening, must_end=p.must_end)
    data = (
        OfflineLLM()
        .generate_structured(
            system=system_prompt(p),
            prompt=scene_prompt(p),
            schema_name="story_scene",
            json_schema=schema,
            max_tokens=900,
        )
        .data
    )
    text = " ".join(data["paragraphs"])
    assert "mercado" in text
    assert "is_ending" not in text
    assert "choices" not in text.lower()
    assert data["title"].startswith("[offline demo]")
    assert len(data["choices"]) >= 2


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is not installed (make run installs it)")
def test_offline_speech_is_real_speech_in_the_target_language_when_espeak_is_there():
    tts = OfflineTTS()
    short = tts.synthesize("Hola.", "es")
    long = tts.synthesize("El gato come pescado en la casa grande, y el perro duerme en el jardín.", "es")
    assert long.voice == "espeak-ng:es"
    assert long.duration_seconds > short.duration_seconds > 0.2
    with wave.open(io.BytesIO(long.wav), "rb") as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(long.duration_seconds)


def test_without_espeak_offline_speech_is_a_tone_that_says_so():
    result = OfflineTTS(espeak="/nonexistent/espeak-ng").synthesize("Hola, ¿qué tal?", "es")
    assert result.voice == "offline-tone"
    assert result.wav[:4] == b"RIFF"
