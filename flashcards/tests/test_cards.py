from datetime import timedelta

import pytest
from django.utils import timezone

from flashcards.models import Flashcard, FlashcardEvent
from vocab.tests.factories import PairFactory, card_for, entry_with_cards

pytestmark = pytest.mark.django_db


def ids(response):
    assert response.status_code == 200, response.json()
    return {c["id"] for c in response.json()["results"]}


def test_list_at_the_contract_path(auth_client, pair):
    card = card_for(pair)
    assert str(card.pk) in ids(auth_client.get("/api/flashcards"))


def test_list_filters(auth_client, user, pair):
    other_pair = PairFactory(user=user, target_language="fr")
    new = card_for(pair)
    reviewed = card_for(pair)
    auth_client.post(f"/api/flashcards/{reviewed.pk}/reviews", {"rating": "easy"})
    elsewhere = card_for(other_pair)
    assert str(elsewhere.pk) not in ids(auth_client.get("/api/flashcards", {"language_pair": str(pair.pk)}))
    assert str(elsewhere.pk) in ids(auth_client.get("/api/flashcards", {"pair": str(other_pair.pk)}))
    new_ids = ids(auth_client.get("/api/flashcards", {"language_pair": str(pair.pk), "state": "new"}))
    assert str(new.pk) in new_ids
    assert str(reviewed.pk) not in new_ids
    reviewed.refresh_from_db()
    state = {1: "learning", 2: "review", 3: "relearning"}[reviewed.state]
    assert ids(auth_client.get("/api/flashcards", {"state": state, "direction": "recognise"})) == {str(reviewed.pk)}
    soon = ids(auth_client.get("/api/flashcards", {"due_before": (timezone.now() + timedelta(minutes=1)).isoformat()}))
    assert str(new.pk) in soon
    assert str(reviewed.pk) not in soon
    assert auth_client.get("/api/flashcards", {"state": "bogus"}).status_code == 400


def test_detail_shows_fsrs_state_read_only(auth_client, pair):
    card = card_for(pair)
    r = auth_client.get(f"/api/flashcards/{card.pk}")
    assert r.status_code == 200
    assert r.json()["entry"]["text"] == card.entry.text
    r = auth_client.patch(f"/api/flashcards/{card.pk}", {"suspended": True, "stability": 99, "state": 2})
    assert r.status_code == 200
    card.refresh_from_db()
    assert card.suspended is True
    assert card.stability is None
    assert card.state == 1


def test_suspend_and_unsuspend(auth_client, pair):
    card = card_for(pair)
    assert auth_client.patch(f"/api/flashcards/{card.pk}", {"suspended": True}).json()["suspended"] is True
    assert ids(auth_client.get("/api/flashcards", {"suspended": "true"})) == {str(card.pk)}
    assert auth_client.patch(f"/api/flashcards/{card.pk}", {"suspended": False}).json()["suspended"] is False
    assert auth_client.patch(f"/api/flashcards/{card.pk}", {}).status_code == 400


def test_events_list_newest_first(auth_client, pair):
    card = card_for(pair)
    now = timezone.now()
    for minutes, rating in ((30, "again"), (20, "good"), (10, "easy")):
        when = (now - timedelta(minutes=minutes)).isoformat()
        auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": rating, "reviewed_at": when})
    r = auth_client.get(f"/api/flashcards/{card.pk}/events")
    assert r.status_code == 200
    assert [e["rating"] for e in r.json()["results"]] == ["easy", "good", "again"]
    page = auth_client.get(f"/api/flashcards/{card.pk}/events", {"page_size": 2}).json()
    assert len(page["results"]) == 2
    rest = auth_client.get(page["next"]).json()
    assert [e["rating"] for e in rest["results"]] == ["again"]


def test_deleting_an_entry_deletes_its_cards_and_events(auth_client, pair):
    entry, cards = entry_with_cards(pair)
    auth_client.post(f"/api/flashcards/{cards[0].pk}/reviews", {"rating": "good"})
    assert auth_client.delete(f"/api/vocab/entries/{entry.pk}").status_code == 204
    assert not Flashcard.objects.filter(entry_id=entry.pk).exists()
    assert not FlashcardEvent.objects.exists()


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"suspended": True}),
        ("get", "/events", None),
        ("post", "/reviews", {"rating": "good"}),
        ("post", "/pronunciation", {}),
    ],
)
def test_another_learners_card_is_404_for_every_verb(auth_client, other_pair, method, suffix, body):
    card = card_for(other_pair)
    auth_client_kwargs = {"format": "multipart"} if suffix == "/pronunciation" else {}
    r = getattr(auth_client, method)(f"/api/flashcards/{card.pk}{suffix}", body, **auth_client_kwargs)
    assert r.status_code == 404
    card.refresh_from_db()
    assert card.suspended is False
    assert card.last_review is None


def test_another_learners_card_is_404_in_sync_and_not_listed(auth_client, other_pair):
    card = card_for(other_pair)
    assert str(card.pk) not in ids(auth_client.get("/api/flashcards"))


def test_list_query_count_does_not_grow(auth_client, pair, django_assert_max_num_queries):
    card_for(pair)
    with django_assert_max_num_queries(4):
        assert len(ids(auth_client.get("/api/flashcards", {"page_size": 100}))) == 2
    for _ in range(20):
        card_for(pair)
    with django_assert_max_num_queries(4):
        assert len(ids(auth_client.get("/api/flashcards", {"page_size": 100}))) == 42


def test_events_query_count_does_not_grow(auth_client, pair, django_assert_max_num_queries):
    card = card_for(pair)
    auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good"})
    with django_assert_max_num_queries(3):
        auth_client.get(f"/api/flashcards/{card.pk}/events")
    now = timezone.now()
    for i in range(15):
        FlashcardEvent.objects.create(
            card=card, user=card.user, rating=3, reviewed_at=now - timedelta(minutes=i + 5),
            state_before={}, state_after={},
        )  # fmt: skip
    with django_assert_max_num_queries(3):
        assert len(auth_client.get(f"/api/flashcards/{card.pk}/events").json()["results"]) == 16
