import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from flashcards.models import Flashcard, FlashcardEvent
from vocab.tests.factories import card_for

URL = "/api/flashcards/reviews/sync"
pytestmark = pytest.mark.django_db


def ev(card, rating="good", minutes_ago=60, cid=None, **extra):
    return {
        "client_event_id": cid or str(uuid.uuid4()),
        "card": str(card.pk),
        "rating": rating,
        "reviewed_at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
        **extra,
    }


def test_sync_applies_events_in_reviewed_at_order_per_card(auth_client, pair):
    card = card_for(pair)
    # Sent newest first: the server still applies them oldest first.
    late, early = ev(card, "good", minutes_ago=30), ev(card, "again", minutes_ago=90)
    r = auth_client.post(URL, {"events": [late, early]}, format="json")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["applied"], body["duplicates"], body["rejected"]) == (2, 0, 0)
    events = list(FlashcardEvent.objects.filter(card=card).order_by("reviewed_at"))
    assert [e.rating for e in events] == [1, 3]
    assert events[0].state_before["last_review"] is None
    assert events[1].state_before == events[0].state_after
    card.refresh_from_db()
    assert card.due.isoformat() == events[1].state_after["due"]


def test_the_same_batch_twice_gives_one_set_of_events(auth_client, pair):
    cards = [card_for(pair) for _ in range(3)]
    batch = [ev(c, r, minutes_ago=m) for c in cards for r, m in (("good", 50), ("easy", 20))]
    first = auth_client.post(URL, {"events": batch}, format="json").json()
    assert first["applied"] == 6
    state = {c.pk: Flashcard.objects.get(pk=c.pk).due for c in cards}
    second = auth_client.post(URL, {"events": batch}, format="json").json()
    assert (second["applied"], second["duplicates"]) == (0, 6)
    assert all(r["status"] == "duplicate" for r in second["results"])
    assert FlashcardEvent.objects.count() == 6
    assert {c.pk: Flashcard.objects.get(pk=c.pk).due for c in cards} == state
    pair.refresh_from_db()
    assert pair.review_count == 6


def test_partially_applied_batch_retried_applies_only_the_rest(auth_client, pair):
    card = card_for(pair)
    a, b = ev(card, minutes_ago=50), ev(card, minutes_ago=10)
    auth_client.post(URL, {"events": [a]}, format="json")
    body = auth_client.post(URL, {"events": [a, b]}, format="json").json()
    assert [r["status"] for r in body["results"]] == ["duplicate", "applied"]
    assert FlashcardEvent.objects.count() == 2


def test_rejections_carry_a_reason_and_do_not_block_the_rest(auth_client, pair, other_pair):
    mine, theirs = card_for(pair), card_for(other_pair)
    suspended = card_for(pair)
    Flashcard.objects.filter(pk=suspended.pk).update(suspended=True)
    batch = [
        ev(mine, "good", minutes_ago=10),
        ev(mine, "meh"),
        ev(theirs),
        ev(mine, minutes_ago=-120),
        ev(mine, minutes_ago=60 * 24 * 31),
        {"card": str(mine.pk), "rating": "good", "reviewed_at": timezone.now().isoformat()},
        ev(suspended),
        ev(mine, "good", minutes_ago=5, cid="dup"),
        ev(mine, "good", minutes_ago=4, cid="dup"),
        ev(mine, reviewed_at="yesterday"),
    ]
    body = auth_client.post(URL, {"events": batch}, format="json").json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == [
        "applied", "rejected", "rejected", "rejected", "rejected", "rejected", "rejected", "applied", "duplicate",
        "rejected",
    ]  # fmt: skip
    reasons = [r["reason"] for r in body["results"]]
    assert "rating" in reasons[1]
    assert reasons[2] == "flashcard not found"
    assert "future" in reasons[3]
    assert "30 days" in reasons[4]
    assert "client_event_id" in reasons[5]
    assert reasons[6] == "card is suspended"
    assert FlashcardEvent.objects.count() == 2
    assert Flashcard.objects.get(pk=theirs.pk).last_review is None


def test_event_older_than_the_cards_last_review_is_applied_by_replay(auth_client, pair):
    card = card_for(pair)
    auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good"})
    body = auth_client.post(URL, {"events": [ev(card, "again", minutes_ago=120)]}, format="json").json()
    result = body["results"][0]
    assert (result["status"], result["replayed"], result["card"], result["card_id"]) == (
        "applied", True, str(card.pk), str(card.pk)
    )  # fmt: skip
    events = list(FlashcardEvent.objects.filter(card=card).order_by("reviewed_at"))
    assert [e.rating for e in events] == [1, 3]
    # The late "again" now comes first: the later review's before-state is the state it left.
    assert events[0].state_before["last_review"] is None
    assert events[1].state_before == events[0].state_after
    card.refresh_from_db()
    assert card.due.isoformat() == events[1].state_after["due"]


def test_more_than_1000_events_is_400(auth_client, pair):
    card = card_for(pair)
    r = auth_client.post(URL, {"events": [ev(card) for _ in range(1001)]}, format="json")
    assert r.status_code == 400
    assert not FlashcardEvent.objects.exists()


def test_events_must_be_a_list_of_objects(auth_client):
    assert auth_client.post(URL, {"events": "nope"}, format="json").status_code == 400
    assert auth_client.post(URL, {"events": [1, 2]}, format="json").status_code == 400


def test_a_full_batch_of_1000_in_constant_queries(auth_client, pair, django_assert_max_num_queries):
    cards = [card_for(pair) for _ in range(10)]
    batch = [ev(cards[i % 10], minutes_ago=1000 - i) for i in range(1000)]
    # auth, savepoints, lock, existing ids, 2 event insert batches, card update, pair counter.
    with django_assert_max_num_queries(14):
        body = auth_client.post(URL, {"events": batch}, format="json").json()
    assert body["applied"] == 1000


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("client_event_id", "nul\x00id", "printable"),
        ("client_event_id", "lone\ud800", "printable"),
        ("client_event_id", "tab\tid", "printable"),
        ("reviewed_at", "2026-02-30T10:00:00Z", "reviewed_at"),
        ("reviewed_at", "2026-01-01T25:00:00Z", "reviewed_at"),
        ("reviewed_at", "9" * 5000, "reviewed_at"),
    ],
)
def test_hostile_event_fields_are_rejected_not_500(auth_client, pair, field, value, reason):
    card = card_for(pair)
    # json.dumps escapes NUL and the lone surrogate as \u0000 / \ud800, which a JSON parser accepts.
    r = auth_client.post(URL, json.dumps({"events": [{**ev(card), field: value}]}), content_type="application/json")
    assert r.status_code == 200, r.content
    result = r.json()["results"][0]
    assert result["status"] == "rejected"
    assert reason in result["reason"]
    assert not FlashcardEvent.objects.exists()


def test_the_schema_types_the_sync_events(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    body = schema["paths"]["/api/flashcards/reviews/sync"]["post"]["requestBody"]["content"]["application/json"]
    ref = body["schema"]["$ref"].rsplit("/", 1)[1]
    events = schema["components"]["schemas"][ref]["properties"]["events"]
    event = schema["components"]["schemas"][events["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(event["properties"]) >= {"client_event_id", "card", "rating", "reviewed_at", "duration_ms"}
    assert set(event["required"]) == {"client_event_id", "card", "rating", "reviewed_at"}
    result = schema["components"]["schemas"]["SyncItemResult"]["properties"]
    assert "card" in result
