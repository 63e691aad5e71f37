"""Phrases in adventure scenes: a study phrase counts as used in any inflected form, counts once in
the scene's coverage, and the scene's phrases are in its vocabulary, addable to the word bank."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from flashcards.models import Flashcard
from langlearn.testing import run_jobs
from vocab.models import LearnableWordBankEntry

from .conftest import URL, create, detail, scene_input

pytestmark = pytest.mark.django_db(transaction=True)

PARAGRAPHS = ["Ayer dimos un paseo por el bosque.", "Sin embargo, el gato no volvió a casa."]


def test_a_study_phrase_is_used_inflected_and_the_scenes_phrases_can_be_added(
    auth_client, pair, fake_providers, broker, worker
):
    now = timezone.now()
    entry = LearnableWordBankEntry.objects.create(
        user=pair.user, pair=pair, text="dar un paseo", lemma="dar un paseo", normalized_lemma="dar un paseo"
    )
    Flashcard.objects.create(user=pair.user, pair=pair, entry=entry, due=now - timedelta(days=1), last_review=now)
    fake_providers.push_tool_input({**scene_input(1), "paragraphs": PARAGRAPHS})
    adventure_id = create(auth_client, pair)["adventure"]["id"]
    run_jobs(broker, worker)

    scene = detail(auth_client, adventure_id)["path"][0]
    assert scene["status"] == "ready", scene["error"]
    assert "dar un paseo" in scene["study_words"]
    assert "dar un paseo" in scene["coverage"]["study_words_used"]  # written as "dimos un paseo"
    assert scene["coverage"]["known_words"] == 1  # the phrase, once; "dar" and "paseo" are not apart
    vocabulary = auth_client.get(f"{URL}{adventure_id}/scenes/{scene['id']}").json()["vocabulary"]
    phrases = {w["lemma"]: w for w in vocabulary if w["pos"] == "PHRASE"}
    assert phrases["dar un paseo"]["known"] is True
    assert phrases["sin embargo"] | {"known": False} == {
        "lemma": "sin embargo", "text": "Sin embargo", "pos": "PHRASE", "known": False,
        "sentence": "Sin embargo, el gato no volvió a casa.",
    }  # fmt: skip

    resp = auth_client.post(
        f"{URL}{adventure_id}/words", {"scene": scene["id"], "lemmas": ["sin embargo"]}, format="json"
    )
    assert resp.status_code == 200, resp.json()
    added = LearnableWordBankEntry.objects.get(pair=pair, normalized_lemma="sin embargo")
    assert (added.text, added.part_of_speech, added.example_sentence) == (
        "sin embargo",
        "PHRASE",
        "Sin embargo, el gato no volvió a casa.",
    )
