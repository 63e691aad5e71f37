"""Playing an adventure end to end: HTTP in, a real Dramatiq worker, the real SDKs against the
loopback fake providers, assertions on responses, the database and what the providers were sent."""

from __future__ import annotations

import pytest

from adventures.models import Adventure, AdventureScene
from langlearn.jobs.models import Job
from langlearn.testing import run_jobs

from .conftest import URL, choose, create, detail, scene_input

pytestmark = pytest.mark.django_db(transaction=True)


def _tool(request) -> dict:
    return request.json["tools"][0]["input_schema"]


def _prompt(request) -> str:
    return request.json["messages"][0]["content"]


def test_create_generates_the_opening_scene(auth_client, pair, fake_providers, broker, worker, tmp_path):
    fake_providers.push_tool_input(scene_input(1, title="El gato perdido"))
    body = create(auth_client, pair, premise="mystery", length=6)
    assert body["adventure"]["status"] == "generating"
    assert body["adventure"]["genre"] == "mystery"
    assert body["adventure"]["level"] == "A2"  # the pair's level by default
    assert body["job"]["kind"] == "adventure_scene"
    assert body["job"]["status"] == "queued"
    assert body["adventure"]["path"][0]["status"] == "generating"

    run_jobs(broker, worker)

    adventure = detail(auth_client, body["adventure"]["id"])
    assert adventure["status"] == "ready"
    assert adventure["title"] == "El gato perdido"
    [scene] = adventure["path"]
    assert scene["status"] == "ready"
    assert scene["depth"] == 1
    assert scene["paragraphs"] == scene_input(1)["paragraphs"]
    assert len(scene["translation"]) == 2
    assert all(scene["translation"])
    assert [c["id"] for c in scene["choices"]] == ["a", "b", "c"]
    assert scene["choices"][0]["text"] == "Ayudar a la mujer"
    assert all(c["translation"] for c in scene["choices"])
    assert all(c["taken"] is False for c in scene["choices"])
    assert scene["audio_url"]
    assert scene["audio_duration"] > 0
    assert scene["new_words"][0]["lemma"] == "pueblo"
    assert scene["new_words"][0]["sentence"] == "Llegas a un pueblo pequeño al lado del mar."
    assert scene["coverage"]["content_words"] > 0
    assert scene["coverage"]["ratio"] == 0.0  # an empty word bank knows nothing yet
    assert scene["job"] is None  # a ready scene's job is history (see /api/jobs below)
    assert adventure["tree"] == [
        {k: scene[k] for k in ("id", "parent", "choice_id", "choice_text", "depth", "status", "is_ending")}
    ]

    [llm] = fake_providers.requests_for("anthropic")
    schema = _tool(llm)
    assert "title" in schema["required"]
    assert schema["properties"]["is_ending"]["const"] is False
    assert schema["properties"]["choices"]["minItems"] == 2
    assert "A2" in llm.json["system"]
    assert "Spanish" in llm.json["system"]
    assert "scene 1 of 6" in _prompt(llm)
    assert "mystery" in _prompt(llm).lower()
    assert llm.json["max_tokens"] > 0
    assert fake_providers.requests_for("gemini")
    audio = AdventureScene.objects.get(pk=scene["id"]).audio
    assert (tmp_path / "media" / audio).exists()
    # The scene's job is listed with every other kind under /api/jobs, pointing at the scene.
    [job] = auth_client.get("/api/jobs/", {"kind": "adventure_scene"}).json()["results"]
    assert job["status"] == "succeeded"
    assert [s["name"] for s in job["steps"]] == [
        "write",
        *(f"revise_{n}" for n in range(1, 6)),
        "choose",
        "translate",
        "speak",
        "finish",
    ]
    assert job["result"] == {"type": "adventure_scene", "id": scene["id"]}


def test_a_choice_generates_the_child_scene_with_the_story_so_far(auth_client, pair, fake_providers, broker, worker):
    fake_providers.push_tool_input(scene_input(1))
    adventure_id = create(auth_client, pair, premise="Un gato desaparece en un pueblo del mar.")["adventure"]["id"]
    run_jobs(broker, worker)
    opening = detail(auth_client, adventure_id)["path"][0]

    fake_providers.push_tool_input(scene_input(2))
    result = choose(auth_client, adventure_id, opening["id"], "a")
    assert result["created"] is True
    assert result["scene"]["status"] == "generating"
    assert result["scene"]["parent"] == opening["id"]
    assert result["scene"]["choice_text"] == "Ayudar a la mujer"
    assert result["adventure"]["status"] == "generating"
    assert result["job"]["status"] == "queued"
    run_jobs(broker, worker)

    adventure = detail(auth_client, adventure_id)
    assert adventure["status"] == "ready"
    assert [s["depth"] for s in adventure["path"]] == [1, 2]
    child = adventure["path"][1]
    assert child["paragraphs"] == scene_input(2)["paragraphs"]
    assert adventure["path"][0]["choices"][0]["taken"] is True
    assert adventure["current_scene"]["id"] == child["id"]

    prompt = _prompt(fake_providers.requests_for("anthropic")[1])
    assert "Llegas a un pueblo pequeño al lado del mar." in prompt  # the story so far, verbatim while short
    assert "«Ayudar a la mujer»" in prompt
    assert "<premise>\nUn gato desaparece en un pueblo del mar.\n</premise>" in prompt
    assert "title" not in _tool(fake_providers.requests_for("anthropic")[1])["properties"]


def test_going_back_and_choosing_differently_grows_a_second_branch(auth_client, pair, fake_providers, broker, worker):
    for depth in (1, 2, 2):
        fake_providers.push_tool_input(scene_input(depth))
    adventure_id = create(auth_client, pair)["adventure"]["id"]
    run_jobs(broker, worker)
    opening = detail(auth_client, adventure_id)["path"][0]
    first = choose(auth_client, adventure_id, opening["id"], "a")["scene"]
    run_jobs(broker, worker)

    second = choose(auth_client, adventure_id, opening["id"], "b")["scene"]
    run_jobs(broker, worker)

    adventure = detail(auth_client, adventure_id)
    assert {s["id"] for s in adventure["tree"]} == {opening["id"], first["id"], second["id"]}
    assert [s["id"] for s in adventure["path"]] == [opening["id"], second["id"]]
    assert AdventureScene.objects.get(pk=first["id"]).status == "ready"  # the first branch is kept
    assert {c["id"]: c["taken"] for c in adventure["path"][0]["choices"]} == {"a": True, "b": True, "c": False}
    # The second branch's prompt follows its own branch: it was told of choice b, not a.
    prompt = _prompt(fake_providers.requests_for("anthropic")[2])
    assert opening["choices"][1]["text"] in prompt
    assert opening["choices"][0]["text"] not in prompt


def test_the_same_choice_twice_makes_one_child_and_one_llm_call(auth_client, pair, fake_providers, broker, worker):
    adventure_id = create(auth_client, pair)["adventure"]["id"]
    run_jobs(broker, worker)
    opening = detail(auth_client, adventure_id)["path"][0]

    first = choose(auth_client, adventure_id, opening["id"], "b")
    again_while_generating = choose(auth_client, adventure_id, opening["id"], "b")
    assert again_while_generating["created"] is False
    assert again_while_generating["scene"]["id"] == first["scene"]["id"]
    assert again_while_generating["job"]["id"] == first["job"]["id"]
    run_jobs(broker, worker)
    again_when_ready = choose(auth_client, adventure_id, opening["id"], "b")
    run_jobs(broker, worker)

    assert again_when_ready["scene"]["id"] == first["scene"]["id"]
    assert again_when_ready["scene"]["status"] == "ready"
    assert again_when_ready["job"] is None
    assert AdventureScene.objects.filter(parent_id=opening["id"]).count() == 1
    assert Job.objects.filter(kind="adventure_scene").count() == 2  # the opening and one child
    assert len(fake_providers.requests_for("anthropic")) == 2


def test_the_ending_arrives_at_the_target_length(auth_client, pair, fake_providers, broker, worker):
    length = 5
    for depth in range(1, length):
        fake_providers.push_tool_input(scene_input(depth))
    fake_providers.push_tool_input(scene_input(length, ending=True))
    adventure_id = create(auth_client, pair, genre="fantasy", length=length)["adventure"]["id"]
    run_jobs(broker, worker)
    for _ in range(length - 1):
        current = detail(auth_client, adventure_id)["path"][-1]
        assert current["is_ending"] is False
        choose(auth_client, adventure_id, current["id"], "a")
        run_jobs(broker, worker)

    adventure = detail(auth_client, adventure_id)
    assert adventure["status"] == "ended"
    ending = adventure["path"][-1]
    assert ending["depth"] == length
    assert ending["is_ending"] is True
    assert ending["choices"] == []
    assert [s["depth"] for s in adventure["path"]] == [1, 2, 3, 4, 5]

    requests = fake_providers.requests_for("anthropic")
    assert [_tool(r)["properties"]["is_ending"]["const"] for r in requests] == [False] * (length - 1) + [True]
    assert _tool(requests[-1])["properties"]["choices"]["maxItems"] == 0
    assert "THE ENDING" in _prompt(requests[-1])
    assert "next scene will be the ending" in _prompt(requests[-2])

    resp = auth_client.post(f"{URL}{adventure_id}/choices", {"scene": ending["id"], "choice": "a"}, format="json")
    assert resp.status_code == 400
    assert resp.json()["code"] == "scene_is_ending"


def test_malformed_structured_output_is_re_asked_once_then_fails_readably(
    auth_client, pair, fake_providers, broker, worker
):
    fake_providers.push_malformed("anthropic", times=2)
    body = create(auth_client, pair)
    run_jobs(broker, worker)

    adventure = detail(auth_client, body["adventure"]["id"])
    assert adventure["status"] == "failed"
    scene = adventure["path"][0]
    assert scene["status"] == "failed"
    assert "malformed" in scene["error"]
    assert scene["job"]["status"] == "failed"
    assert "malformed" in scene["job"]["error"]
    requests = fake_providers.requests_for("anthropic")
    assert len(requests) == 2  # the first answer and one re-ask, no more
    assert requests[1].json["messages"][-1]["content"][0]["is_error"] is True

    # The learner tries again: the scene generates again (same job) and the adventure is playable.
    resp = auth_client.post(f"{URL}{body['adventure']['id']}/retry")
    assert resp.status_code == 202, resp.json()
    assert resp.json()["scene"]["status"] == "generating"
    assert resp.json()["adventure"]["status"] == "generating"
    assert resp.json()["job"]["id"] == body["job"]["id"]
    run_jobs(broker, worker)
    adventure = detail(auth_client, body["adventure"]["id"])
    assert adventure["status"] == "ready"
    assert adventure["path"][0]["error"] == ""
    assert auth_client.post(f"{URL}{body['adventure']['id']}/retry").status_code == 409


def test_one_malformed_answer_is_repaired_by_the_re_ask(auth_client, pair, fake_providers, broker, worker):
    fake_providers.push_malformed("anthropic")
    fake_providers.push_tool_input(scene_input(1))
    adventure_id = create(auth_client, pair)["adventure"]["id"]
    run_jobs(broker, worker)
    assert detail(auth_client, adventure_id)["status"] == "ready"
    assert len(fake_providers.requests_for("anthropic")) == 2


def test_a_failed_child_is_retried_by_choosing_it_again_without_paying_twice(
    auth_client, pair, fake_providers, broker, worker, settings
):
    settings.JOB_MAX_ATTEMPTS = 2
    settings.READALONG_MAX_TTS_CALLS = 1  # one speech call per attempt: two scripted errors fail both
    adventure_id = create(auth_client, pair)["adventure"]["id"]
    run_jobs(broker, worker)
    opening = detail(auth_client, adventure_id)["path"][0]
    # The speech service is down for every automatic attempt: the job gives up at the speak step.
    fake_providers.push_error("gemini", 503, times=2)
    child = choose(auth_client, adventure_id, opening["id"], "a")["scene"]
    run_jobs(broker, worker)
    assert detail(auth_client, adventure_id)["status"] == "failed"
    failed = AdventureScene.objects.select_related("job").get(pk=child["id"])
    assert failed.status == "failed"
    assert failed.job.current_step == "speak"

    again = choose(auth_client, adventure_id, opening["id"], "a")
    assert again["scene"]["id"] == child["id"]
    assert again["scene"]["status"] == "generating"
    run_jobs(broker, worker)
    adventure = detail(auth_client, adventure_id)
    assert adventure["status"] == "ready"
    assert adventure["path"][-1]["audio_url"]
    assert Job.objects.filter(kind="adventure_scene").count() == 2  # the same job, resumed
    assert len(fake_providers.requests_for("anthropic")) == 2  # the story was not written twice


def test_delete_removes_scenes_and_audio(auth_client, pair, fake_providers, broker, worker, tmp_path):
    adventure_id = create(auth_client, pair)["adventure"]["id"]
    run_jobs(broker, worker)
    key = AdventureScene.objects.get(adventure_id=adventure_id).audio
    assert (tmp_path / "media" / key).exists()

    assert auth_client.delete(f"{URL}{adventure_id}").status_code == 204
    assert not Adventure.objects.filter(pk=adventure_id).exists()
    assert not AdventureScene.objects.filter(adventure_id=adventure_id).exists()
    assert not (tmp_path / "media" / key).exists()
    assert auth_client.get(f"{URL}{adventure_id}").status_code == 404


def test_with_no_provider_keys_the_offline_demo_plays_end_to_end(auth_client, pair, broker, worker):
    """`make run` on a bare machine: every provider is the labelled offline demo, the story still plays."""
    adventure_id = create(auth_client, pair, premise="travel", length=5)["adventure"]["id"]
    run_jobs(broker, worker)
    opening = detail(auth_client, adventure_id)["path"][0]
    assert opening["status"] == "ready", opening["error"]
    choose(auth_client, adventure_id, opening["id"], opening["choices"][0]["id"])
    run_jobs(broker, worker)
    adventure = detail(auth_client, adventure_id)
    assert adventure["status"] == "ready"
    assert [s["status"] for s in adventure["path"]] == ["ready", "ready"]
    assert adventure["path"][1]["audio_url"]


def test_due_words_are_woven_in_and_known_words_counted(auth_client, pair, fake_providers, broker, worker):
    from datetime import timedelta

    from django.utils import timezone

    from flashcards.models import Flashcard
    from vocab.models import LearnableWordBankEntry

    now = timezone.now()
    for lemma, due in (("gato", now - timedelta(days=2)), ("mar", now - timedelta(hours=1)), ("pan", None)):
        entry = LearnableWordBankEntry.objects.create(
            user=pair.user, pair=pair, text=lemma, lemma=lemma, normalized_lemma=lemma, translation="x"
        )
        Flashcard.objects.create(
            user=pair.user, pair=pair, entry=entry, due=due or now + timedelta(days=3), last_review=due and now
        )
    fake_providers.push_tool_input(scene_input(1))
    adventure_id = create(auth_client, pair)["adventure"]["id"]
    run_jobs(broker, worker)

    [llm] = fake_providers.requests_for("anthropic")
    # Most overdue first, then topped up with the newest words of the bank.
    assert "study words (use a few where natural): gato, mar, pan" in _prompt(llm)
    scene = detail(auth_client, adventure_id)["path"][0]
    assert scene["study_words"] == ["gato", "mar", "pan"]
    assert scene["coverage"]["study_words_used"] == ["gato", "mar"]  # both appear in the scene
    assert scene["coverage"]["known_words"] == 2
    assert 0 < scene["coverage"]["ratio"] < 1
    assert {w["lemma"]: w["in_word_bank"] for w in scene["new_words"]} == {"pueblo": False, "gato": True}
    vocabulary = auth_client.get(f"{URL}{adventure_id}/scenes/{scene['id']}").json()["vocabulary"]
    assert {"lemma": "gato", "known": True} in [{"lemma": w["lemma"], "known": w["known"]} for w in vocabulary]
    assert all(w["sentence"] for w in vocabulary)


def test_deleting_while_generating_fails_the_job_readably_and_leaves_no_files(
    auth_client, pair, fake_providers, broker, tmp_path
):
    import dramatiq

    body = create(auth_client, pair)  # queued; no worker runs yet
    assert auth_client.delete(f"{URL}{body['adventure']['id']}").status_code == 204
    worker = dramatiq.Worker(broker, worker_timeout=100, worker_threads=1)
    worker.start()
    try:
        run_jobs(broker, worker)
    finally:
        worker.stop()
    job = Job.objects.get(pk=body["job"]["id"])
    assert job.status == "failed"
    assert "no longer exists" in job.error
    assert fake_providers.requests_for("anthropic") == []  # nothing paid for a deleted story
    assert not list((tmp_path / "media").rglob("*.wav"))
