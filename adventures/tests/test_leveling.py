"""The coverage loop for adventure scenes: a scene the learner cannot read is rewritten once, the
revision goes on the scene, and the play screen returns the read-along timings."""

from __future__ import annotations

import io
import itertools
import wave

import pytest

from adventures.models import AdventureScene
from langlearn import storage
from langlearn.testing import run_jobs
from vocab.models import LearnableWordBankEntry
from vocab.tests.factories import PairFactory

from .conftest import create, scene_input

pytestmark = pytest.mark.django_db(transaction=True)

EASY = ["El gato come pescado en la casa.", "La casa es grande."]
HARD = ["El felino devora salmón ahumado.", "La mansión es descomunal."]
KNOWN = ["el", "gato", "come", "pescado", "en", "la", "casa", "es", "grande"]


@pytest.fixture
def learner_pair(user):
    pair = PairFactory(user=user, coverage_target=0.9, revision_rounds=2)
    LearnableWordBankEntry.objects.bulk_create(
        LearnableWordBankEntry(user=user, pair=pair, text=w, lemma=w, normalized_lemma=w) for w in KNOWN
    )
    return pair


def test_a_hard_scene_is_revised_and_the_revision_is_played(auth_client, learner_pair, fake_providers, broker, worker):
    fake_providers.push_tool_input({**scene_input(1), "paragraphs": HARD})
    fake_providers.push_tool_input({**scene_input(1), "paragraphs": EASY})
    adventure_id = create(auth_client, learner_pair)["adventure"]["id"]
    run_jobs(broker, worker)

    requests = fake_providers.requests_for("anthropic")
    assert len(requests) == 2
    revision_prompt = requests[1].json["messages"][0]["content"]
    assert "felino" in revision_prompt.split("does not know (rarest first): ")[1].split("\n")[0]
    scene = AdventureScene.objects.get(adventure_id=adventure_id)
    assert scene.paragraphs == EASY
    assert scene.generation["rounds_used"] == 1
    assert scene.generation["coverage_before"] < 0.9 <= scene.generation["coverage_after"]
    assert scene.generation["below_target"] is False

    play = auth_client.get(f"/bff/adventures/{adventure_id}/play").json()
    timings = play["scene"]["audio_timings"]
    assert [t["text"] for t in timings] == EASY
    assert timings[0]["start_ms"] == 0
    for a, b in itertools.pairwise(timings):
        assert a["end_ms"] == b["start_ms"]
    with wave.open(io.BytesIO(storage.read_bytes(scene.audio)), "rb") as w:
        assert timings[-1]["end_ms"] == round(w.getnframes() / w.getframerate() * 1000)


def test_a_scene_over_its_provider_call_budget_keeps_the_best_draft_and_still_plays(
    auth_client, learner_pair, fake_providers, broker, worker, settings
):
    from langlearn import leveling
    from langlearn.jobs.budget import SPENT
    from langlearn.jobs.models import Job

    # The first draft and one round (each a call), the translation, two speech chunks for three
    # sentences: a second round would leave too little for the rest.
    settings.JOB_MAX_PROVIDER_CALLS = 5
    revised = ["El gato come salmón ahumado.", HARD[1], "La casa es grande."]
    fake_providers.push_tool_input({**scene_input(1), "paragraphs": HARD})
    fake_providers.push_tool_input({**scene_input(1), "paragraphs": revised})
    adventure_id = create(auth_client, learner_pair)["adventure"]["id"]
    run_jobs(broker, worker)

    assert len(fake_providers.requests_for("anthropic")) == 2
    assert len(fake_providers.requests_for("gemini")) == 2
    scene = AdventureScene.objects.get(adventure_id=adventure_id)
    assert scene.status == "ready"
    assert scene.paragraphs == revised
    assert scene.generation["below_target"] is True
    job = Job.objects.get(pk=scene.job_id)
    notes = {s["name"]: s["note"] for s in job.steps}
    assert notes["revise_2"] == leveling.BUDGET_SPENT
    assert [t["text"] for t in scene.audio_timings] == scene.paragraphs
    assert any(t["estimated"] for t in scene.audio_timings)

    # With a budget of one call the scene is the first draft, untranslated and silent, and still plays.
    settings.JOB_MAX_PROVIDER_CALLS = 1
    fake_providers.push_tool_input({**scene_input(1), "paragraphs": HARD})
    other = create(auth_client, learner_pair)["adventure"]["id"]
    run_jobs(broker, worker)
    scene = AdventureScene.objects.get(adventure_id=other)
    assert (scene.status, scene.paragraphs, scene.audio) == ("ready", HARD, "")
    notes = {s["name"]: s["note"] for s in Job.objects.get(pk=scene.job_id).steps}
    assert (notes["translate"], notes["speak"]) == (SPENT, SPENT)
    play = auth_client.get(f"/bff/adventures/{other}/play")
    assert play.status_code == 200
    assert play.json()["scene"]["audio_url"] is None
