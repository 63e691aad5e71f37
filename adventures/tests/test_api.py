"""The adventures API without running jobs: validation, scoping, listing, choices on prepared
trees, spoken choices against the fake speech-to-text, adding words, quota and concurrency."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from adventures.models import Adventure, AdventureScene
from flashcards.models import Flashcard
from langlearn.jobs.models import Job
from langlearn.testing import client_for, race
from vocab.models import LearnableWordBankEntry

from .conftest import URL, choose, create
from .factories import AdventureFactory, SceneFactory, adventure_with_opening


def _audio(size: int = 2048, name: str = "answer.webm") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x1a\x45\xdf\xa3" + b"\0" * (size - 4), content_type="audio/webm")


# --- create ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_validates_its_input(auth_client, pair):
    def post(**body):
        return auth_client.post(URL, {"language_pair": str(pair.pk), **body}, format="json")

    assert post(length=4).status_code == 400
    assert "length" in post(length=21).json()
    assert post(premise="x" * 501).status_code == 400
    assert post(genre="romance").status_code == 400
    assert post(level="Z9").status_code == 400
    assert auth_client.post(URL, {}, format="json").json()["code"] == "invalid"
    assert Adventure.objects.count() == 0


@pytest.mark.django_db
def test_create_takes_a_genre_by_name_free_text_a_level_and_a_length(auth_client, pair):
    body = create(auth_client, pair, premise="Sci-fi", length=12, level="B1")["adventure"]
    assert (body["genre"], body["premise"], body["level"], body["target_length"]) == ("sci-fi", "", "B1", 12)
    body = create(auth_client, pair, premise="  A lighthouse keeper finds   a message.  ")["adventure"]
    assert (body["genre"], body["premise"]) == ("", "A lighthouse keeper finds a message.")
    assert body["target_length"] == 8
    assert Job.objects.filter(kind="adventure_scene", user=pair.user).count() == 2


@pytest.mark.django_db
def test_create_with_another_learners_pair_is_404(auth_client, other_user):
    from vocab.models import UserLanguagePair

    theirs = UserLanguagePair.objects.create(user=other_user, source_language="en", target_language="fr")
    resp = auth_client.post(URL, {"language_pair": str(theirs.pk)}, format="json")
    assert resp.status_code == 404
    assert Adventure.objects.count() == 0


@pytest.mark.django_db
def test_scenes_count_against_the_daily_generation_quota(auth_client, pair, settings):
    settings.GENERATION_DAILY_QUOTA = 1
    adventure_id = create(auth_client, pair)["adventure"]["id"]
    opening = AdventureScene.objects.get(adventure_id=adventure_id)
    SceneFactory._meta.model.objects.filter(pk=opening.pk).update(
        status="ready", choices=[{"id": "a", "text": "Abrir", "translation": "Open"}, {"id": "b", "text": "Huir"}]
    )
    resp = auth_client.post(f"{URL}{adventure_id}/choices", {"scene": str(opening.pk), "choice": "a"}, format="json")
    assert resp.status_code == 429
    assert resp.json()["code"] == "quota_exceeded"
    assert "Retry-After" in resp.headers
    assert AdventureScene.objects.filter(adventure_id=adventure_id).count() == 1  # nothing half-made
    assert auth_client.post(URL, {"language_pair": str(pair.pk)}, format="json").status_code == 429
    assert Adventure.objects.count() == 1


@pytest.mark.django_db
def test_genres_are_listed(auth_client):
    resp = auth_client.get(f"{URL}genres")
    assert resp.status_code == 200
    assert [g["value"] for g in resp.json()] == ["mystery", "travel", "sci-fi", "fantasy", "everyday life"]
    assert all(g["description"] for g in resp.json())


# --- reading -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_is_mine_only_filterable_and_does_not_grow_queries(
    auth_client, user, other_user, pair, django_assert_max_num_queries
):
    adventure_with_opening(pair=pair)
    AdventureFactory(pair__user=other_user)
    with django_assert_max_num_queries(4):
        resp = auth_client.get(URL)
    assert len(resp.json()["results"]) == 1
    for _ in range(10):
        adventure_with_opening(pair=pair)
    with django_assert_max_num_queries(4):
        resp = auth_client.get(URL)
    results = resp.json()["results"]
    assert len(results) == 11
    assert results[0]["current_scene"]["depth"] == 1
    assert len(auth_client.get(URL, {"status": "ready"}).json()["results"]) == 11
    assert auth_client.get(URL, {"status": "ended"}).json()["results"] == []
    assert auth_client.get(URL, {"language_pair": str(uuid.uuid4())}).json()["results"] == []
    assert len(auth_client.get(URL, {"pair": str(pair.pk)}).json()["results"]) == 11
    assert auth_client.get(URL, {"status": "bogus"}).status_code == 400


@pytest.mark.django_db
def test_detail_has_the_path_to_the_current_scene_and_the_tree(auth_client, pair, django_assert_max_num_queries):
    adventure, opening = adventure_with_opening(pair=pair)
    a = SceneFactory(adventure=adventure, parent=opening, choice_id="a", choice_text="Entrar en la cocina", depth=2)
    b = SceneFactory(adventure=adventure, parent=opening, choice_id="b", depth=2)
    deeper = SceneFactory(adventure=adventure, parent=b, choice_id="a", depth=3)
    Adventure.objects.filter(pk=adventure.pk).update(current_scene=deeper)
    with django_assert_max_num_queries(5):
        body = auth_client.get(f"{URL}{adventure.pk}").json()
    assert [s["id"] for s in body["path"]] == [str(opening.pk), str(b.pk), str(deeper.pk)]
    assert {s["id"] for s in body["tree"]} == {str(x.pk) for x in (opening, a, b, deeper)}
    assert "paragraphs" not in body["tree"][0]
    assert body["path"][0]["new_words"][0] == {
        "lemma": "ruido", "translation": "noise", "sentence": "Oyes un ruido en la cocina.", "in_word_bank": False
    }  # fmt: skip
    scene = auth_client.get(f"{URL}{adventure.pk}/scenes/{a.pk}").json()
    assert scene["choice_text"] == "Entrar en la cocina"
    assert scene["parent"] == str(opening.pk)
    assert auth_client.get(f"{URL}{adventure.pk}/scenes/{uuid.uuid4()}").status_code == 404


@pytest.mark.django_db
def test_another_learners_adventure_is_404_everywhere(auth_client, other_client, pair):
    adventure, opening = adventure_with_opening(pair=pair)
    base = f"{URL}{adventure.pk}"
    assert other_client.get(base).status_code == 404
    assert other_client.get(f"{base}/scenes/{opening.pk}").status_code == 404
    assert (
        other_client.post(f"{base}/choices", {"scene": str(opening.pk), "choice": "a"}, format="json").status_code
        == 404
    )
    assert other_client.post(f"{base}/spoken-choice", {"audio": _audio()}, format="multipart").status_code == 404
    words = {"scene": str(opening.pk), "lemmas": ["ruido"]}
    assert other_client.post(f"{base}/words", words, format="json").status_code == 404
    assert other_client.delete(base).status_code == 404
    assert other_client.get(URL).json()["results"] == []
    # A scene of my own adventure named on another of my adventures is not found either.
    mine_too, _ = adventure_with_opening(pair=pair)
    resp = auth_client.post(f"{URL}{mine_too.pk}/choices", {"scene": str(opening.pk), "choice": "a"}, format="json")
    assert resp.status_code == 404
    assert Adventure.objects.filter(pk=adventure.pk).exists()
    assert auth_client.get(f"{URL}not-a-uuid").status_code == 404


# --- choices -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_choice_errors(auth_client, pair):
    adventure, opening = adventure_with_opening(pair=pair)
    resp = choose(auth_client, adventure.pk, opening.pk, "z", expect=400)
    assert resp["code"] == "unknown_choice"
    generating = SceneFactory(adventure=adventure, parent=opening, choice_id="a", depth=2, status="generating")
    assert choose(auth_client, adventure.pk, generating.pk, "a", expect=409)["code"] == "scene_not_ready"
    assert "scene" in choose(auth_client, adventure.pk, "nope", "a", expect=400)
    assert AdventureScene.objects.filter(adventure=adventure).count() == 2


@pytest.mark.django_db(transaction=True)
def test_identical_concurrent_choices_start_one_job(pair, user):
    adventure, opening = adventure_with_opening(pair=pair)
    clients = [client_for(user) for _ in range(4)]
    choice = {"scene": str(opening.pk), "choice": "b"}
    responses = race(*(lambda c=c: c.post(f"{URL}{adventure.pk}/choices", choice, format="json") for c in clients))
    statuses = [r.status_code for r in responses]
    scenes = [r.json()["scene"]["id"] for r in responses]
    assert statuses == [202] * 4
    assert len(set(scenes)) == 1
    assert AdventureScene.objects.filter(parent=opening).count() == 1
    assert Job.objects.filter(kind="adventure_scene").count() == 1


# --- spoken choice -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_spoken_choice_matched_makes_the_choice(auth_client, pair, fake_providers):
    adventure, opening = adventure_with_opening(pair=pair)
    fake_providers.push_transcript("Eh… quiero llamar a la policía.", confidence=0.91)
    resp = auth_client.post(f"{URL}{adventure.pk}/spoken-choice", {"audio": _audio()}, format="multipart")
    assert resp.status_code == 202, resp.json()
    body = resp.json()
    assert body["matched"] == "b"
    assert body["transcript"] == "Eh… quiero llamar a la policía."
    assert body["confidence"] == pytest.approx(0.91)
    assert {s["choice"] for s in body["scores"]} == {"a", "b"}
    child = AdventureScene.objects.get(parent=opening)
    assert child.choice_id == "b"
    assert body["result"]["scene"]["id"] == str(child.pk)
    assert body["result"]["created"] is True
    [stt] = fake_providers.requests_for("deepgram")
    assert stt.query["language"] == ["es"]
    assert stt.body.startswith(b"\x1a\x45\xdf\xa3")


@pytest.mark.django_db
def test_spoken_choice_not_matched_asks_again(auth_client, pair, fake_providers):
    adventure, opening = adventure_with_opening(pair=pair)
    fake_providers.push_transcript("no sé qué hacer", confidence=0.7)
    resp = auth_client.post(f"{URL}{adventure.pk}/spoken-choice", {"audio": _audio()}, format="multipart")
    assert resp.status_code == 200
    body = resp.json()
    assert body["matched"] is None
    assert body["result"] is None
    assert body["transcript"] == "no sé qué hacer"
    assert len(body["scores"]) == 2
    assert all(0 <= s["score"] < 0.6 for s in body["scores"])
    assert not AdventureScene.objects.filter(parent=opening).exists()


@pytest.mark.django_db
def test_spoken_choice_rejects_bad_uploads_before_calling_the_recogniser(auth_client, pair, fake_providers, settings):
    adventure, _ = adventure_with_opening(pair=pair)
    url = f"{URL}{adventure.pk}/spoken-choice"
    settings.AUDIO_UPLOAD_MAX_BYTES = 4096
    resp = auth_client.post(url, {"audio": _audio(size=4097)}, format="multipart")
    assert resp.status_code == 413
    assert resp.json()["code"] == "audio_too_large"
    assert auth_client.post(url, {}, format="multipart").status_code == 400
    assert auth_client.post(url, {"audio": "not a file"}, format="multipart").status_code == 400
    assert fake_providers.requests_for("deepgram") == []


@pytest.mark.django_db
def test_spoken_choice_when_the_recogniser_is_down_is_503(auth_client, pair, fake_providers):
    adventure, opening = adventure_with_opening(pair=pair)
    fake_providers.push_error("deepgram", 503)
    resp = auth_client.post(f"{URL}{adventure.pk}/spoken-choice", {"audio": _audio()}, format="multipart")
    assert resp.status_code == 503
    assert resp.json()["code"] == "provider_unavailable"
    assert not AdventureScene.objects.filter(parent=opening).exists()


# --- words -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_words_from_a_scene_go_to_the_word_bank(auth_client, pair, fake_providers):
    adventure, opening = adventure_with_opening(pair=pair)
    url = f"{URL}{adventure.pk}/words"
    resp = auth_client.post(url, {"scene": str(opening.pk), "lemmas": ["ruido", "Cocina"]}, format="json")
    assert resp.status_code == 200, resp.json()
    assert sorted(w["lemma"] for w in resp.json()["added"]) == ["cocina", "ruido"]
    ruido = LearnableWordBankEntry.objects.get(pair=pair, normalized_lemma="ruido")
    assert ruido.source == "adventure"
    assert ruido.source_ref == adventure.pk
    assert ruido.translation == "noise"  # the story's own translation, no translator call for it
    assert ruido.example_sentence == "Oyes un ruido en la cocina."
    assert Flashcard.objects.filter(entry=ruido).exists()

    again = auth_client.post(url, {"scene": str(opening.pk), "lemmas": ["ruido"]}, format="json").json()
    assert again["added"] == []
    assert [w["lemma"] for w in again["already_present"]] == ["ruido"]
    scene = auth_client.get(f"{URL}{adventure.pk}/scenes/{opening.pk}").json()
    assert scene["new_words"][0]["in_word_bank"] is True

    resp = auth_client.post(url, {"scene": str(opening.pk), "lemmas": ["ruido", "dragón"]}, format="json")
    assert resp.status_code == 400
    assert resp.json()["unknown"] == ["dragón"]
    assert auth_client.post(url, {"scene": str(opening.pk), "lemmas": []}, format="json").status_code == 400
    assert LearnableWordBankEntry.objects.filter(pair=pair).count() == 2


@pytest.mark.django_db
def test_creating_and_choosing_share_the_generation_burst_throttle(auth_client, pair, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "generation": "2/min",
    }
    adventure, opening = adventure_with_opening(pair=pair)
    assert auth_client.post(URL, {"language_pair": str(pair.pk)}, format="json").status_code == 202
    choose(auth_client, adventure.pk, opening.pk, "a")
    resp = auth_client.post(f"{URL}{adventure.pk}/choices", {"scene": str(opening.pk), "choice": "b"}, format="json")
    assert resp.status_code == 429
    assert resp.json()["code"] == "throttled"
    assert auth_client.get(f"{URL}{adventure.pk}").status_code == 200  # reading is not throttled by it


@pytest.mark.django_db
def test_spoken_choice_on_a_named_earlier_scene_branches(auth_client, pair, fake_providers):
    adventure, opening = adventure_with_opening(pair=pair)
    later = SceneFactory(adventure=adventure, parent=opening, choice_id="a", depth=2)
    Adventure.objects.filter(pk=adventure.pk).update(current_scene=later)
    fake_providers.push_transcript("dos")
    resp = auth_client.post(
        f"{URL}{adventure.pk}/spoken-choice", {"audio": _audio(), "scene": str(opening.pk)}, format="multipart"
    )
    assert resp.status_code == 202
    assert resp.json()["matched"] == "b"
    child = AdventureScene.objects.get(parent=opening, choice_id="b")
    assert Adventure.objects.get(pk=adventure.pk).current_scene_id == child.pk


@pytest.mark.django_db
def test_spoken_choice_without_a_speech_to_text_key_is_503_and_chooses_nothing(auth_client, pair, settings):
    from langlearn.clients import reset_clients

    adventure, opening = adventure_with_opening(pair=pair)
    settings.DEEPGRAM_API_KEY = ""
    reset_clients()
    resp = auth_client.post(f"{URL}{adventure.pk}/spoken-choice", {"audio": _audio()}, format="multipart")
    reset_clients()
    assert resp.status_code == 503
    assert resp.json()["code"] == "stt_not_configured"
    assert not AdventureScene.objects.filter(parent=opening).exists()
