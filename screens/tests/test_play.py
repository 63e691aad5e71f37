import pytest

from adventures.models import AdventureScene, AdventureStatus, SceneStatus
from adventures.tests.factories import AdventureFactory, SceneFactory, adventure_with_opening
from langlearn.jobs.models import Job, JobStatus
from screens.serializers import PlayScreenSerializer

from .conftest import assert_shape, word

pytestmark = pytest.mark.django_db


def url(adventure) -> str:
    return f"/bff/adventures/{adventure.pk}/play"


def branch(adventure, parent, choice_id: str, **kwargs) -> AdventureScene:
    return SceneFactory(
        adventure=adventure, parent=parent, choice_id=choice_id, choice_text=f"choice {choice_id}",
        depth=parent.depth + 1, **kwargs,
    )  # fmt: skip


def test_play_shows_the_current_scene_as_tokens_with_statuses(auth_client, user, pair, read_only):
    word(pair, "puerta", "known")
    word(pair, "ruido", "new-cards")
    adventure, opening = adventure_with_opening(pair=pair)
    second = branch(adventure, opening, "a", audio="adventures/x/scene2.wav")
    branch(adventure, opening, "b")  # the other branch, explored earlier
    branch(adventure, second, "b", status=SceneStatus.READY)  # an abandoned child of the current scene
    adventure.current_scene = second
    adventure.save()

    with read_only():
        response = auth_client.get(url(adventure))

    assert response.status_code == 200
    body = response.json()
    assert_shape(body, PlayScreenSerializer())
    scene = body["scene"]
    assert scene["id"] == str(second.pk)
    tokens = {t["text"]: t["status"] for p in scene["paragraphs"] for s in p["sentences"] for t in s["tokens"]}
    assert tokens["puerta"] == "known"
    assert tokens["ruido"] == "learning"
    assert tokens["cocina"] == "new"
    assert tokens["."] == "ignored"
    assert [p["translation"] for p in scene["paragraphs"]] == second.translation
    assert scene["coverage"]["known"] == 1
    assert [(c["id"], c["taken"]) for c in scene["choices"]] == [("a", False), ("b", True)]
    assert scene["audio_url"].endswith("adventures/x/scene2.wav")
    assert [(w["lemma"], w["in_word_bank"]) for w in scene["new_words"]] == [("ruido", True)]
    assert [s["id"] for s in body["path"]] == [str(opening.pk)]
    assert body["generating"] is False
    assert body["adventure"]["status"] == "ready"


def test_play_while_the_next_scene_is_being_written(auth_client, user, pair):
    adventure, opening = adventure_with_opening(pair=pair)
    job = Job.objects.create(user=user, kind="adventure_scene", status=JobStatus.RUNNING)
    writing = branch(
        adventure, opening, "a", status=SceneStatus.GENERATING, paragraphs=[], translation=[], choices=[], job=job
    )
    adventure.current_scene = writing
    adventure.status = AdventureStatus.GENERATING
    adventure.save()

    body = auth_client.get(url(adventure)).json()

    assert body["generating"] is True
    assert body["job"]["id"] == str(job.pk)
    assert body["job"]["status"] == "running"
    assert body["scene"]["status"] == "generating"
    assert body["scene"]["paragraphs"] == []
    assert body["scene"]["coverage"]["ratio"] is None
    assert [s["id"] for s in body["path"]] == [str(opening.pk)]
    assert_shape(body, PlayScreenSerializer())


def test_play_before_the_opening_exists(auth_client, pair):
    adventure = AdventureFactory(pair=pair, status=AdventureStatus.GENERATING)
    body = auth_client.get(url(adventure)).json()
    assert body["scene"] is None
    assert body["path"] == []
    assert body["generating"] is True
    assert_shape(body, PlayScreenSerializer())


def test_another_learners_adventure_is_404(auth_client, other_client, pair):
    adventure, _ = adventure_with_opening(pair=pair)
    assert other_client.get(url(adventure)).status_code == 404
    assert auth_client.get("/bff/adventures/00000000-0000-0000-0000-000000000000/play").status_code == 404


@pytest.mark.parametrize(("entries", "depth"), [(10, 1), (500, 20)])
def test_play_query_count_is_constant(auth_client, pair, entries, depth, django_assert_num_queries):
    for i in range(entries):
        word(pair, f"w{i}", "no-cards")
    adventure, scene = adventure_with_opening(pair=pair)
    for _ in range(depth - 1):
        scene = branch(adventure, scene, "a")
    adventure.current_scene = scene
    adventure.save()

    # The account (JWT), the adventure, its tree (the nodes, then the path's scenes), the learner's
    # phrases, the statuses (marks, word bank).
    with django_assert_num_queries(7):
        body = auth_client.get(url(adventure)).json()
    assert len(body["path"]) == depth - 1
