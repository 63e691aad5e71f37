"""Two requests reviewing one card at the same moment, on two threads with their own connections."""

import pytest

from flashcards.models import Flashcard, FlashcardEvent
from langlearn.testing import client_for, race
from vocab.tests.factories import card_for

pytestmark = pytest.mark.django_db(transaction=True)


def _race(user, url_and_bodies):
    calls = [(client_for(user), url, body) for url, body in url_and_bodies]
    return race(*(lambda c=c, u=u, b=b: c.post(u, b, format="json") for c, u, b in calls))


def test_two_concurrent_reviews_apply_one_after_the_other(user, pair):
    card = card_for(pair)
    url = f"/api/flashcards/{card.pk}/reviews"
    responses = _race(user, [(url, {"rating": "good"}), (url, {"rating": "easy"})])
    assert [r.status_code for r in responses] == [201, 201]
    events = list(FlashcardEvent.objects.filter(card=card).order_by("created_at"))
    assert len(events) == 2
    # Serialised by the row lock: the second started from the state the first left.
    assert events[0].state_before["last_review"] is None
    assert events[1].state_before == events[0].state_after
    card.refresh_from_db()
    assert card.due.isoformat() == events[1].state_after["due"]
    pair.refresh_from_db()
    assert pair.review_count == 2


def test_concurrent_retries_of_one_review_apply_once(user, pair):
    card = card_for(pair)
    url = f"/api/flashcards/{card.pk}/reviews"
    body = {"rating": "good", "client_event_id": "same-tap"}
    responses = _race(user, [(url, body), (url, body)])
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert FlashcardEvent.objects.count() == 1
    assert Flashcard.objects.get(pk=card.pk).last_review is not None


def test_concurrent_identical_syncs_apply_once(user, pair):
    cards = [card_for(pair) for _ in range(5)]
    from django.utils import timezone

    now = timezone.now().isoformat()
    batch = {"events": [{"client_event_id": f"c{i}", "card": str(c.pk), "rating": "good", "reviewed_at": now}
                        for i, c in enumerate(cards)]}  # fmt: skip
    responses = _race(user, [("/api/flashcards/reviews/sync", batch)] * 2)
    assert [r.status_code for r in responses] == [200, 200]
    applied = sorted(r.json()["applied"] for r in responses)
    assert applied == [0, 5]
    assert FlashcardEvent.objects.count() == 5
