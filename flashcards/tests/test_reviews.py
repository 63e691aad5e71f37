from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from django.utils import timezone
from fsrs import Card, Rating, Scheduler, State

from flashcards.models import Flashcard, FlashcardEvent
from vocab.tests.factories import PairFactory, card_for

pytestmark = pytest.mark.django_db


def review(client, card, rating, **extra):
    return client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": rating, **extra})


@pytest.fixture
def no_fuzz(settings):
    settings.FSRS_ENABLE_FUZZING = False


def iso(dt: datetime) -> str:
    return dt.isoformat()


def test_review_records_event_and_updates_card(auth_client, pair):
    card = card_for(pair)
    r = review(auth_client, card, "good", duration_ms=4200, client_event_id="e-1")
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["duplicate"] is False
    assert body["event"]["rating"] == "good"
    assert body["event"]["duration_ms"] == 4200
    assert body["event"]["state_before"]["last_review"] is None
    card.refresh_from_db()
    assert card.last_review is not None
    assert body["event"]["state_after"]["due"] == card.due.isoformat()
    assert body["card"]["is_new"] is False
    event = FlashcardEvent.objects.get()
    assert (event.card_id, event.rating, event.client_event_id) == (card.pk, 3, "e-1")


def _replay(scheduler: Scheduler, card_id: int, steps: list[tuple[datetime, Rating]]) -> list[Card]:
    card = Card(card_id=card_id)
    out = []
    for when, rating in steps:
        card, _ = scheduler.review_card(card, rating, review_datetime=when)
        out.append(card)
    return out


def _run(auth_client, card, ratings_and_gaps):
    """Review `card` over HTTP: each step waits until the card's due time (+ gap) then rates it."""
    when = timezone.now() - timedelta(days=29)
    steps = []
    for rating, extra in ratings_and_gaps:
        r = review(auth_client, card, rating.name.lower(), reviewed_at=iso(when))
        assert r.status_code == 201, r.json()
        steps.append((when.astimezone(UTC), rating))
        card.refresh_from_db()
        when = card.due + extra
    return steps


def test_fsrs_matches_the_fsrs_package_and_good_intervals_grow(auth_client, pair, no_fuzz):
    card = card_for(pair)
    steps = _run(auth_client, card, [(Rating.Good, timedelta(0))] * 4)
    expected = _replay(Scheduler(enable_fuzzing=False), card.fsrs_card_id, steps)
    events = list(FlashcardEvent.objects.filter(card=card).order_by("reviewed_at"))
    assert [e.state_after["due"] for e in events] == [c.due.isoformat() for c in expected]
    assert [e.state_after["stability"] for e in events] == pytest.approx([c.stability for c in expected])
    assert [e.state_after["difficulty"] for e in events] == pytest.approx([c.difficulty for c in expected])
    card.refresh_from_db()
    assert card.state == State.Review
    intervals = [c.due - when for c, (when, _) in zip(expected, steps, strict=True)]
    assert all(a < b for a, b in pairwise(intervals))  # strictly growing


def test_again_shrinks_the_interval(auth_client, pair, no_fuzz):
    card = card_for(pair)
    steps = _run(auth_client, card, [(Rating.Good, timedelta(0))] * 3 + [(Rating.Again, timedelta(0))])
    expected = _replay(Scheduler(enable_fuzzing=False), card.fsrs_card_id, steps)
    card.refresh_from_db()
    assert card.due == expected[-1].due
    assert card.state == State.Relearning
    before_again = expected[2].due - steps[2][0]
    after_again = expected[3].due - steps[3][0]
    assert after_again < before_again


def test_pair_settings_feed_the_scheduler(auth_client, user, no_fuzz):
    params = [0.5, 1.5, 3.0, 10.0, 6.4, 0.83, 3.0, 0.001, 1.87, 0.17, 0.8, 1.48, 0.06, 0.26, 1.65, 0.6, 1.87, 0.54,
              0.09, 0.07, 0.15]  # fmt: skip
    pair = PairFactory(user=user, desired_retention=0.8, fsrs_parameters=params)
    card = card_for(pair)
    steps = _run(auth_client, card, [(Rating.Good, timedelta(0))] * 3)
    expected = _replay(
        Scheduler(parameters=params, desired_retention=0.8, enable_fuzzing=False), card.fsrs_card_id, steps
    )
    card.refresh_from_db()
    assert card.due == expected[-1].due
    default = _replay(Scheduler(enable_fuzzing=False), card.fsrs_card_id, steps)
    assert card.due != default[-1].due


@pytest.mark.parametrize("rating", ["ok", "", 0, 5, "Again!", None])
def test_rating_outside_the_four_values_is_400(auth_client, pair, rating):
    card = card_for(pair)
    r = auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": rating}, format="json")
    assert r.status_code == 400
    assert not FlashcardEvent.objects.exists()


@pytest.mark.parametrize(
    ("delta", "code"), [(timedelta(hours=1), "reviewed_at_in_future"), (timedelta(days=-31), "reviewed_at_too_old")]
)
def test_reviewed_at_bounds(auth_client, pair, delta, code):
    card = card_for(pair)
    r = review(auth_client, card, "good", reviewed_at=iso(timezone.now() + delta))
    assert r.status_code == 400
    assert r.json()["code"] == code
    card.refresh_from_db()
    assert card.last_review is None


def test_review_older_than_last_review_is_replayed_into_the_history(auth_client, pair, no_fuzz):
    card = card_for(pair)
    now = timezone.now()
    first = review(auth_client, card, "good", reviewed_at=iso(now - timedelta(days=2)))
    assert (first.status_code, first.json()["replayed"]) == (201, False)
    # A review made a day earlier on another device arrives last: accepted, and the card is what
    # reviewing in time order would give.
    late = review(auth_client, card, "again", reviewed_at=iso(now - timedelta(days=3)))
    assert (late.status_code, late.json()["replayed"]) == (201, True)
    steps = [
        ((now - timedelta(days=3)).astimezone(UTC), Rating.Again),
        ((now - timedelta(days=2)).astimezone(UTC), Rating.Good),
    ]
    expected = _replay(Scheduler(enable_fuzzing=False), card.fsrs_card_id, steps)
    card.refresh_from_db()
    assert (card.due, card.last_review, card.state) == (expected[-1].due, expected[-1].last_review, expected[-1].state)
    assert card.stability == pytest.approx(expected[-1].stability)
    events = list(FlashcardEvent.objects.filter(card=card).order_by("reviewed_at"))
    assert [e.rating for e in events] == [1, 3]
    assert [e.state_after["due"] for e in events] == [c.due.isoformat() for c in expected]
    assert events[1].state_before == events[0].state_after
    assert late.json()["card"]["due"].replace("Z", "+00:00") == expected[-1].due.isoformat()


def test_same_client_event_id_is_applied_once(auth_client, pair):
    card = card_for(pair)
    first = review(auth_client, card, "good", client_event_id="tap-1")
    card.refresh_from_db()
    due = card.due
    again = review(auth_client, card, "easy", client_event_id="tap-1")
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["event"]["id"] == first.json()["event"]["id"]
    card.refresh_from_db()
    assert card.due == due
    assert FlashcardEvent.objects.count() == 1


def test_client_event_id_of_another_card_is_409(auth_client, pair):
    a, b = card_for(pair), card_for(pair)
    review(auth_client, a, "good", client_event_id="x")
    r = review(auth_client, b, "good", client_event_id="x")
    assert r.status_code == 409
    assert Flashcard.objects.get(pk=b.pk).last_review is None


def test_suspended_card_cannot_be_reviewed(auth_client, pair):
    card = card_for(pair)
    Flashcard.objects.filter(pk=card.pk).update(suspended=True)
    assert review(auth_client, card, "good").status_code == 409


def test_review_counts_towards_the_pair(auth_client, pair):
    card = card_for(pair)
    review(auth_client, card, "good")
    review(auth_client, card, "good")
    pair.refresh_from_db()
    assert pair.review_count == 2


def test_other_learners_card_is_404(auth_client, other_pair):
    card = card_for(other_pair)
    assert review(auth_client, card, "good").status_code == 404
    assert not FlashcardEvent.objects.exists()


def test_unknown_card_is_404(auth_client):
    r = auth_client.post("/api/flashcards/00000000-0000-0000-0000-000000000000/reviews", {"rating": "good"})
    assert r.status_code == 404
