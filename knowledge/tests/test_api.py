"""The learner's vocabulary over HTTP: marks and finish-page move the reader's colours and coverage,
undo restores, a scripted placement marks the expected frequency range, nothing leaks across learners."""

from __future__ import annotations

import pytest

from articles.tests.factories import ArticleFactory
from knowledge.frequency import ranked_lemmas, ranked_words
from knowledge.models import PlacementTest, WordStatusEvent, WordStatusMark
from langlearn.testing import run_jobs
from vocab.tests.factories import EntryFactory, PairFactory

STATUSES = "/api/vocab/word-statuses"
FINISH = "/api/vocab/finish-page"
PLACEMENT = "/api/vocab/placement"


def reader(client, article) -> dict:
    response = client.get(f"/bff/articles/{article.pk}/reader")
    assert response.status_code == 200
    return response.json()


def colours(body) -> dict[str, str]:
    return {
        t["text"]: t["status"] for p in body["paragraphs"] for s in p["sentences"] for t in s["tokens"] if t["is_word"]
    }


def page_words(body) -> list[dict[str, str]]:
    return [
        {"lemma": t["lemma"], "text": t["text"]}
        for p in body["paragraphs"]
        for s in p["sentences"]
        for t in s["tokens"]
        if t["is_word"]
    ]


@pytest.mark.django_db
def test_a_mark_changes_the_readers_colours_and_coverage(auth_client, other_client, pair, other_pair):
    article = ArticleFactory(pair=pair, body="El gato come pescado.", translation="The cat eats fish.")
    before = reader(auth_client, article)
    assert colours(before)["gato"] == "new"
    assert before["coverage"]["covered_words"] == 0

    response = auth_client.post(
        STATUSES,
        {"language_pair": str(pair.pk), "words": [{"word": "gato", "status": "known"}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["changed"] == 1
    after = reader(auth_client, article)
    assert colours(after)["gato"] == "known"
    assert after["coverage"]["covered_words"] == 1
    assert after["coverage"]["ratio"] > before["coverage"]["ratio"]

    # Ignored words leave the coverage altogether.
    auth_client.post(
        STATUSES, {"language_pair": str(pair.pk), "words": [{"word": "pescado", "status": "ignored"}]}, format="json"
    )
    ignored = reader(auth_client, article)
    assert colours(ignored)["pescado"] == "ignored"
    assert ignored["coverage"]["content_words"] == after["coverage"]["content_words"] - 1

    # Another learner's list and reader know nothing of it.
    listed = other_client.get(STATUSES).json()
    assert listed["results"] == []
    other_article = ArticleFactory(pair=other_pair, body="El gato come pescado.", translation="x")
    assert colours(reader(other_client, other_article))["gato"] == "new"
    mine = auth_client.get(STATUSES, {"language_pair": str(pair.pk), "status": "known"}).json()["results"]
    assert [(r["word"], r["status"], r["source"]) for r in mine] == [("gato", "known", "reader")]


@pytest.mark.django_db
def test_finish_page_marks_the_new_words_known_once_and_undo_restores(auth_client, pair):
    EntryFactory(pair=pair, text="perro")  # in the word bank: stays learning
    article = ArticleFactory(pair=pair, body="El perro duerme en la casa.", translation="The dog sleeps.")
    body = reader(auth_client, article)
    words = page_words(body)
    auth_client.post(
        # Marks are kept by lemma: ignoring the article "el" ignores "El" and "la" alike.
        STATUSES,
        {"language_pair": str(pair.pk), "words": [{"word": "el", "status": "ignored"}]},
        format="json",
    )

    first = auth_client.post(FINISH, {"language_pair": str(pair.pk), "words": words}, format="json")
    assert first.status_code == 200
    new_before = {t for t, s in colours(body).items() if s == "new"} - {"la", "El"}
    assert first.json()["changed"] >= 1
    after = colours(reader(auth_client, article))
    assert after["perro"] == "learning"
    assert after["la"] == after["El"] == "ignored"
    assert {t for t in new_before if after[t] != "known"} == set()
    assert reader(auth_client, article)["coverage"]["ratio"] == 1.0

    again = auth_client.post(FINISH, {"language_pair": str(pair.pk), "words": words}, format="json").json()
    assert (again["changed"], again["batch"]) == (0, None)

    # A word changed after the page keeps its newer status through the undo.
    auth_client.post(
        STATUSES, {"language_pair": str(pair.pk), "words": [{"word": "casa", "status": "ignored"}]}, format="json"
    )
    undone = auth_client.post(f"{FINISH}/undo", {"language_pair": str(pair.pk)}, format="json")
    assert undone.status_code == 200
    restored = colours(reader(auth_client, article))
    assert restored == {**colours(body), "la": "ignored", "El": "ignored", "casa": "ignored"}
    assert auth_client.post(f"{FINISH}/undo", {"language_pair": str(pair.pk)}, format="json").json()["changed"] == 0
    sources = set(WordStatusEvent.objects.filter(pair=pair).values_list("source", flat=True))
    assert sources == {"reader", "finish_page", "undo"}


@pytest.mark.django_db
def test_bad_input_and_other_learners_objects(auth_client, other_client, pair, other_pair):
    bad = auth_client.post(
        STATUSES, {"language_pair": str(pair.pk), "words": [{"word": "gato", "status": "mastered"}]}, format="json"
    )
    assert bad.status_code == 400
    theirs = auth_client.post(
        STATUSES, {"language_pair": str(other_pair.pk), "words": [{"word": "gato", "status": "known"}]}, format="json"
    )
    assert theirs.status_code == 404
    assert theirs.json()["code"] == "language_pair_not_found"
    assert auth_client.post(FINISH, {"language_pair": "nope", "words": []}, format="json").status_code == 400
    started = other_client.post(PLACEMENT, {"language_pair": str(other_pair.pk)}, format="json")
    assert started.status_code == 201
    assert auth_client.get(f"{PLACEMENT}/{started.json()['id']}").status_code == 404
    answers = auth_client.post(f"{PLACEMENT}/{started.json()['id']}/answers", {"answers": [{"id": 0, "known": True}]})
    assert answers.status_code == 404
    klingon = PairFactory(user=pair.user, target_language="sw")  # Swahili: no wordfreq list
    unsupported = auth_client.post(PLACEMENT, {"language_pair": str(klingon.pk)}, format="json")
    assert unsupported.status_code == 400
    assert unsupported.json()["code"] == "placement_unsupported_language"
    assert WordStatusMark.objects.count() == 0


def run_placement(client, pair, *, knows_up_to: int, guesses: bool = False, broker=None, worker=None) -> dict:
    """A scripted learner: says yes to real words (lemmas) ranked below `knows_up_to`; to
    pseudo-words, says `guesses`. The last answer is 202 with the marking job, which is run."""
    rank = {w: i for i, w in enumerate(ranked_lemmas("es"))}
    body = client.post(PLACEMENT, {"language_pair": str(pair.pk)}, format="json").json()
    rounds = 0
    while body["state"] == "running":
        rounds += 1
        answers = [
            {"id": i["id"], "known": rank[i["word"]] < knows_up_to if i["word"] in rank else guesses}
            for i in body["items"]
        ]
        response = client.post(f"{PLACEMENT}/{body['id']}/answers", {"answers": answers}, format="json")
        body = response.json()
        if body["state"] == "running":
            assert response.status_code == 200, body
            assert body["job"] is None
    assert 4 <= rounds <= 7
    if body["state"] == "marking":
        assert response.status_code == 202, body
        assert body["job"]["kind"] == "placement_marks"
        assert body["marked"] == 0
        assert not WordStatusMark.objects.filter(pair=pair, source="placement").exists()  # not in the request
        run_jobs(broker, worker)
        body = client.get(f"{PLACEMENT}/{body['id']}").json()
        assert body["job"]["status"] == "succeeded"
        assert body["job"]["result"] == {"type": "placement", "id": body["id"]}
    return body


@pytest.mark.django_db(transaction=True)
def test_a_scripted_placement_marks_the_expected_range_and_undo_restores(
    auth_client, other_client, pair, other_pair, broker, worker
):
    result = run_placement(auth_client, pair, knows_up_to=3000, broker=broker, worker=worker)

    assert result["state"] == "applied"
    assert 30 <= result["answered"] <= 60
    assert result["false_alarm_rate"] == 0.0
    assert 2000 <= result["estimate"] <= 4500
    test = PlacementTest.objects.get(pk=result["id"])
    assert all(item["answer"] is False for item in test.items if item["pseudo"])
    lemmas = ranked_lemmas("es")
    known = set(
        WordStatusMark.objects.filter(pair=pair, status="known", source="placement").values_list("key", flat=True)
    )
    assert result["marked"] == len(known) > 1500
    assert set(lemmas[: len(known)]) == known  # exactly the most frequent lemmas, no form twice
    assert {"casa", "tiempo", "perro", "tener", "comer"} <= known
    assert not {"tiene", "tenía", "casas"} & known  # lemmas are marked, not their forms
    assert lemmas[10_000] not in known

    article = ArticleFactory(pair=pair, body="El perro come en la casa. Tenían casas.", translation="x")
    painted = colours(reader(auth_client, article))
    assert painted["casa"] == painted["come"] == painted["Tenían"] == painted["casas"] == "known"
    assert other_client.get(STATUSES).json()["results"] == []

    undone = auth_client.post(f"{PLACEMENT}/{result['id']}/undo")
    assert undone.status_code == 200
    assert undone.json()["state"] == "undone"
    assert WordStatusMark.objects.filter(pair=pair).count() == 0
    assert colours(reader(auth_client, article))["casa"] == "new"
    again = auth_client.post(
        f"{PLACEMENT}/{result['id']}/answers", {"answers": [{"id": 0, "known": True}]}, format="json"
    )
    assert again.status_code == 409


@pytest.mark.django_db(transaction=True)
def test_pseudo_words_catch_a_learner_who_says_yes_to_everything(auth_client, pair):
    result = run_placement(auth_client, pair, knows_up_to=10**9, guesses=True)
    test = PlacementTest.objects.get(pk=result["id"])
    pseudo = [i["word"] for i in test.items if i["pseudo"]]
    assert len(pseudo) >= 8
    assert not set(pseudo) & (set(ranked_words("es")) | set(ranked_lemmas("es")))
    assert result["false_alarm_rate"] == 1.0
    assert result["estimate"] == 0
    assert result["marked"] == 0


@pytest.mark.django_db(transaction=True)
def test_home_counts_known_words_by_source(auth_client, other_client, pair, other_pair, broker, worker):
    run_placement(auth_client, pair, knows_up_to=1000, broker=broker, worker=worker)
    auth_client.post(
        STATUSES,
        {"language_pair": str(pair.pk), "words": [{"word": "zarandear", "status": "known"}]},
        format="json",
    )
    other_client.post(
        STATUSES,
        {"language_pair": str(other_pair.pk), "words": [{"word": "gato", "status": "known"}]},
        format="json",
    )
    placed = WordStatusMark.objects.filter(pair=pair, source="placement").count()

    vocabulary = auth_client.get("/bff/home").json()["vocabulary"]

    assert vocabulary["known_total"] == placed + 1
    assert vocabulary["known_by_source"]["placement"] == placed
    assert vocabulary["known_by_source"]["reader"] == 1
    assert vocabulary["known_this_week"] == placed + 1
    assert other_client.get("/bff/home").json()["vocabulary"]["known_total"] == 1


@pytest.mark.django_db
def test_adding_a_pack_logs_its_new_words_as_learning_from_the_pack(auth_client, pair):
    from packs.tests.factories import PackEntryFactory, PackFactory

    pack = PackFactory(published=True, source_language="en", target_language="es")
    for text in ("gato", "perro", "casa"):
        PackEntryFactory(pack=pack, text=text, normalized_text=text)
    auth_client.post(
        STATUSES, {"language_pair": str(pair.pk), "words": [{"word": "casa", "status": "known"}]}, format="json"
    )

    response = auth_client.post(
        f"/api/packs/{pack.pk}/add-to-word-bank", {"language_pair": str(pair.pk)}, format="json"
    )
    assert response.status_code == 200, response.json()

    events = WordStatusEvent.objects.filter(pair=pair, source="pack")
    # "casa" stays known (the learner's mark wins), so only two words changed.
    assert sorted(events.values_list("key", "old_status", "new_status")) == [
        ("gato", "new", "learning"),
        ("perro", "new", "learning"),
    ]
    article = ArticleFactory(pair=pair, body="El gato y la casa.", translation="x")
    assert {k: v for k, v in colours(reader(auth_client, article)).items() if k in ("gato", "casa")} == {
        "gato": "learning",
        "casa": "known",
    }
    again = auth_client.post(f"/api/packs/{pack.pk}/add-to-word-bank", {"language_pair": str(pair.pk)}, format="json")
    assert again.status_code == 200
    assert WordStatusEvent.objects.filter(pair=pair, source="pack").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_placement_undone_before_its_job_ran_marks_nothing(auth_client, pair, broker, worker):
    rank = {w: i for i, w in enumerate(ranked_lemmas("es"))}
    body = auth_client.post(PLACEMENT, {"language_pair": str(pair.pk)}, format="json").json()
    while body["state"] == "running":
        answers = [{"id": i["id"], "known": rank.get(i["word"], 10**9) < 2000} for i in body["items"]]
        response = auth_client.post(f"{PLACEMENT}/{body['id']}/answers", {"answers": answers}, format="json")
        body = response.json()
    assert (response.status_code, body["state"]) == (202, "marking")

    undone = auth_client.post(f"{PLACEMENT}/{body['id']}/undo")
    assert undone.json()["state"] == "undone"
    run_jobs(broker, worker)

    after = auth_client.get(f"{PLACEMENT}/{body['id']}").json()
    assert after["state"] == "undone"
    assert after["job"]["status"] == "succeeded"
    assert after["marked"] == 0
    assert not WordStatusMark.objects.filter(pair=pair).exists()
