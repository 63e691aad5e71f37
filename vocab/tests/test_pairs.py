import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from flashcards.models import Flashcard, FlashcardEvent
from vocab.models import LearnableWordBankEntry, UserLanguagePair
from vocab.tests.factories import PairFactory, card_for, entry_with_cards

URL = "/api/vocab/language-pairs"
pytestmark = pytest.mark.django_db


def test_create_pair_with_defaults(auth_client, user):
    r = auth_client.post(URL, {"source_language": "en", "target_language": "es", "level": "B1"})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["level"] == "B1"
    assert body["daily_new_cards"] == 20
    assert body["desired_retention"] == pytest.approx(0.9)
    assert body["fsrs_parameters"] is None
    assert UserLanguagePair.objects.get(pk=body["id"]).user == user


def test_learner_can_have_several_pairs(auth_client):
    for target in ("es", "fr", "de"):
        assert auth_client.post(URL, {"source_language": "en", "target_language": target}).status_code == 201
    assert len(auth_client.get(URL).json()["results"]) == 3


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"source_language": "xx", "target_language": "es"}, "unsupported_language"),
        ({"source_language": "en", "target_language": "klingon"}, "unsupported_language"),
        ({"source_language": "en", "target_language": "en"}, "same_language"),
        ({"source_language": "en-US", "target_language": "en-GB"}, "same_language"),
        ({"source_language": "en", "target_language": "es", "level": "D1"}, "invalid"),
        ({"source_language": "en", "target_language": "es", "desired_retention": 0.99}, "invalid"),
        ({"source_language": "en", "target_language": "es", "desired_retention": 0.5}, "invalid"),
        ({"source_language": "en", "target_language": "es", "fsrs_parameters": [0.1] * 20}, "invalid"),
        ({"target_language": "es"}, "invalid"),
    ],
)
def test_invalid_pairs_answer_400(auth_client, payload, code):
    r = auth_client.post(URL, payload)
    assert r.status_code == 400, r.json()
    assert r.json()["code"] == code
    assert not UserLanguagePair.objects.exists()


def test_duplicate_pair_answers_409(auth_client, pair):
    r = auth_client.post(URL, {"source_language": pair.source_language, "target_language": pair.target_language})
    assert r.status_code == 409
    assert r.json()["code"] == "language_pair_exists"
    assert UserLanguagePair.objects.count() == 1


def test_same_pair_for_two_learners_is_fine(auth_client, other_pair):
    r = auth_client.post(URL, {"source_language": "en", "target_language": "es"})
    assert r.status_code == 201


def test_update_scheduling_settings(auth_client, pair):
    params = [round(p * 1.1, 4) if i < 4 else p for i, p in enumerate(DEFAULT_PARAMETERS)]
    r = auth_client.patch(
        f"{URL}/{pair.pk}",
        {"desired_retention": 0.85, "daily_new_cards": 5, "fsrs_parameters": params, "level": "C1"},
    )
    assert r.status_code == 200, r.json()
    pair.refresh_from_db()
    assert (pair.desired_retention, pair.daily_new_cards, pair.level) == (0.85, 5, "C1")
    assert pair.fsrs_parameters == params
    r = auth_client.patch(f"{URL}/{pair.pk}", {"fsrs_parameters": None}, format="json")
    assert r.status_code == 200
    pair.refresh_from_db()
    assert pair.fsrs_parameters is None


@pytest.mark.parametrize(
    ("params", "index"),
    [([-1.0] * 21, "[0]"), ([0.4] * 21, "[4]"), ([*DEFAULT_PARAMETERS[:20], 0.05], "[20]")],
)
def test_parameters_outside_fsrs_bounds_are_400_and_reviews_keep_working(auth_client, pair, params, index):
    """The PATCH that used to answer 200 and then make every review of the pair 500."""
    r = auth_client.patch(f"{URL}/{pair.pk}", {"fsrs_parameters": params}, format="json")
    assert r.status_code == 400
    body = r.json()
    assert (body["code"], body["field"]) == ("fsrs_parameters_out_of_bounds", "fsrs_parameters")
    assert f"fsrs_parameters{index}" in body["detail"]
    pair.refresh_from_db()
    assert pair.fsrs_parameters is None
    card = card_for(pair)
    assert auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good"}).status_code == 201
    assert auth_client.get(f"/api/flashcards/due?language_pair={pair.pk}&intervals=true").status_code == 200


def test_out_of_bounds_parameters_already_stored_fall_back_to_the_defaults(auth_client, pair):
    """Rows saved before the bounds were checked are scheduled with the defaults, not a 500."""
    UserLanguagePair.objects.filter(pk=pair.pk).update(fsrs_parameters=[0.4] * 21)
    card = card_for(pair)
    assert auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good"}).status_code == 201
    assert auth_client.get(f"/api/flashcards/due?language_pair={pair.pk}&intervals=true").status_code == 200
    assert auth_client.get(f"/bff/review?language_pair={pair.pk}").status_code == 200


def test_languages_cannot_be_changed(auth_client, pair):
    r = auth_client.patch(f"{URL}/{pair.pk}", {"target_language": "fr"})
    assert r.status_code == 200
    pair.refresh_from_db()
    assert pair.target_language == "es"


def test_retention_out_of_range_on_update(auth_client, pair):
    r = auth_client.patch(f"{URL}/{pair.pk}", {"desired_retention": 0.98})
    assert r.status_code == 400
    pair.refresh_from_db()
    assert pair.desired_retention == 0.9


def test_patch_of_a_pair_deleted_meanwhile_answers_404(auth_client, pair, monkeypatch):
    """A DELETE that commits between this PATCH's read and its write: the pair is gone, so 404 —
    the race the schema fuzzer found with two workers (it answered 500)."""
    from vocab import services

    update = services.pair_update

    def deleted_meanwhile(*, pair, **changes):
        UserLanguagePair.objects.filter(pk=pair.pk).delete()
        return update(pair=pair, **changes)

    monkeypatch.setattr(services, "pair_update", deleted_meanwhile)
    r = auth_client.patch(f"{URL}/{pair.pk}", {}, format="json")
    assert r.status_code == 404, r.json()
    assert r.json()["code"] == "not_found"
    assert not UserLanguagePair.objects.filter(pk=pair.pk).exists()


def test_switching_production_on_creates_missing_produce_cards(auth_client, user):
    pair = PairFactory(user=user, production_cards_enabled=False)
    entry, cards = entry_with_cards(pair)
    assert [c.direction for c in cards] == ["recognise"]
    r = auth_client.patch(f"{URL}/{pair.pk}", {"production_cards_enabled": True})
    assert r.status_code == 200
    assert sorted(Flashcard.objects.filter(entry=entry).values_list("direction", flat=True)) == [
        "produce",
        "recognise",
    ]


def test_delete_pair_deletes_entries_cards_events(auth_client, pair):
    _, cards = entry_with_cards(pair)
    auth_client.post(f"/api/flashcards/{cards[0].pk}/reviews", {"rating": "good"})
    assert FlashcardEvent.objects.count() == 1
    assert auth_client.delete(f"{URL}/{pair.pk}").status_code == 204
    assert not LearnableWordBankEntry.objects.exists()
    assert not Flashcard.objects.exists()
    assert not FlashcardEvent.objects.exists()


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_other_learners_pair_is_404(auth_client, other_pair, method):
    r = getattr(auth_client, method)(f"{URL}/{other_pair.pk}", {"level": "C2"} if method == "patch" else None)
    assert r.status_code == 404
    other_pair.refresh_from_db()
    assert other_pair.level == "A2"


def test_list_shows_only_own_pairs(auth_client, pair, other_pair):
    ids = [p["id"] for p in auth_client.get(URL).json()["results"]]
    assert ids == [str(pair.pk)]


def test_anonymous_is_401(api_client):
    assert api_client.get(URL).status_code == 401


def test_list_query_count_does_not_grow(auth_client, user, django_assert_max_num_queries):
    PairFactory(user=user, target_language="fr")
    with django_assert_max_num_queries(4):
        auth_client.get(URL)
    for target in ("de", "it", "pt", "nl", "sv"):
        PairFactory(user=user, target_language=target)
    with django_assert_max_num_queries(4):
        assert len(auth_client.get(URL).json()["results"]) == 6


def test_generation_settings_have_defaults_and_can_be_changed(auth_client, pair):
    body = auth_client.get(f"{URL}/{pair.pk}").json()
    assert (body["coverage_target"], body["new_words_per_100"], body["revision_rounds"]) == (0.95, 3.0, 2)
    r = auth_client.patch(f"{URL}/{pair.pk}", {"coverage_target": 0.98, "new_words_per_100": 1, "revision_rounds": 0})
    assert r.status_code == 200, r.json()
    pair.refresh_from_db()
    assert (pair.coverage_target, pair.new_words_per_100, pair.revision_rounds) == (0.98, 1.0, 0)


@pytest.mark.parametrize(
    "change",
    [
        {"coverage_target": 0.84},
        {"coverage_target": 1.0},
        {"new_words_per_100": -1},
        {"new_words_per_100": 16},
        {"revision_rounds": 6},
        {"revision_rounds": -1},
    ],
)
def test_generation_settings_out_of_range_answer_400(auth_client, pair, change):
    r = auth_client.patch(f"{URL}/{pair.pk}", change)
    assert r.status_code == 400, r.json()
    assert r.json()["code"] == "invalid"
    pair.refresh_from_db()
    assert (pair.coverage_target, pair.revision_rounds) == (0.95, 2)
