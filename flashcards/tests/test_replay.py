"""Late and out-of-order reviews (two devices syncing in either order) end in one card state: the
state `fsrs` itself reaches replaying the same history in time order."""

import itertools
import random
from datetime import UTC, timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from fsrs import Card, Rating, Scheduler

from flashcards.models import CardState, Flashcard, FlashcardEvent
from flashcards.scheduling import HistoryReview, flashcard_state_from_history, scheduler_for
from vocab.tests.factories import card_for

URL = "/api/flashcards/reviews/sync"
pytestmark = pytest.mark.django_db
COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review")


def _two_devices(cards, seed=7):
    """Two devices' batches over the same cards, their reviews interleaved in time over 25 days."""
    rng = random.Random(seed)
    start = timezone.now() - timedelta(days=25)
    devices: tuple[list, list] = ([], [])
    for n, card in enumerate(cards):
        when = start + timedelta(hours=n)
        for i in range(8):
            when += timedelta(hours=rng.choice([0.2, 5, 30, 70]))
            devices[i % 2].append(
                {
                    "client_event_id": f"{'ab'[i % 2]}-{n}-{i}",
                    "card": str(card.pk),
                    "rating": rng.choice(["again", "hard", "good", "good", "easy"]),
                    "reviewed_at": when.isoformat(),
                }
            )
    return devices


def _sync_all(client, *batches):
    for batch in batches:
        r = client.post(URL, {"events": batch}, format="json")
        assert r.status_code == 200, r.json()
        assert r.json()["applied"] == len(batch)


def _states(cards):
    rows = Flashcard.objects.filter(pk__in=[c.pk for c in cards]).order_by("pk").values("id", *COLUMNS)
    events = {e.client_event_id: (e.state_before, e.state_after) for e in FlashcardEvent.objects.filter(card__in=cards)}
    return list(rows), events


def _forget(cards):
    FlashcardEvent.objects.filter(card__in=cards).delete()
    for card in cards:
        Flashcard.objects.filter(pk=card.pk).update(
            state=CardState.LEARNING, step=0, stability=None, difficulty=None, due=card.due, last_review=None
        )


@pytest.mark.parametrize("fuzz", [False, True])
def test_two_devices_in_either_order_end_in_the_same_state(auth_client, pair, settings, fuzz):
    settings.FSRS_ENABLE_FUZZING = fuzz
    cards = [card_for(pair) for _ in range(3)]
    tablet, phone = _two_devices(cards)
    _sync_all(auth_client, tablet, phone)
    first = _states(cards)
    _forget(cards)
    _sync_all(auth_client, phone, tablet)
    assert _states(cards) == first
    # And in one batch, or one event at a time newest first, still the same.
    _forget(cards)
    _sync_all(auth_client, phone + tablet)
    assert _states(cards) == first
    _forget(cards)
    for event in sorted(tablet + phone, key=lambda e: e["reviewed_at"], reverse=True):
        _sync_all(auth_client, [event])
    assert _states(cards) == first
    assert FlashcardEvent.objects.count() == len(tablet) + len(phone)


def test_merged_history_is_what_the_fsrs_package_gives(auth_client, pair, settings):
    settings.FSRS_ENABLE_FUZZING = False
    cards = [card_for(pair) for _ in range(3)]
    tablet, phone = _two_devices(cards, seed=11)
    _sync_all(auth_client, tablet, phone)  # the phone's reviews all arrive late
    scheduler = Scheduler(enable_fuzzing=False)
    for card in cards:
        history = sorted(
            (e["reviewed_at"], Rating[e["rating"].capitalize()]) for e in tablet + phone if e["card"] == str(card.pk)
        )
        expected = Card(card_id=card.fsrs_card_id)
        for when, rating in history:
            expected, _ = scheduler.review_card(expected, rating, review_datetime=parse_datetime(when).astimezone(UTC))
        card.refresh_from_db()
        assert (card.state, card.step, card.due, card.last_review) == (
            expected.state,
            expected.step,
            expected.due,
            expected.last_review,
        )
        assert (card.stability, card.difficulty) == pytest.approx((expected.stability, expected.difficulty))
        events = list(FlashcardEvent.objects.filter(card=card).order_by("reviewed_at"))
        assert all(b.state_before == a.state_after for a, b in itertools.pairwise(events))


def test_a_duplicate_late_event_is_not_doubled(auth_client, pair):
    card = card_for(pair)
    tablet, phone = _two_devices([card])
    _sync_all(auth_client, tablet, phone)
    body = auth_client.post(URL, {"events": phone}, format="json").json()
    assert (body["applied"], body["duplicates"]) == (0, len(phone))
    assert FlashcardEvent.objects.filter(card=card).count() == len(tablet) + len(phone)


def test_seeded_fuzz_replays_to_the_same_due_dates():
    """Fuzz is drawn per (card, review), so replaying one history twice gives the same dates."""
    now = timezone.now()
    history = [HistoryReview(now - timedelta(days=d), 3, str(d)) for d in (60, 50, 30, 5)]
    scheduler = scheduler_for(None, 0.9)
    a, _ = flashcard_state_from_history(
        card_id=card_id(), history=history, scheduler=scheduler, created_due=now, fuzz=True
    )
    b, _ = flashcard_state_from_history(
        card_id=card_id(), history=list(reversed(history)), scheduler=scheduler, created_due=now, fuzz=True
    )
    unfuzzed, _ = flashcard_state_from_history(
        card_id=card_id(), history=history, scheduler=scheduler, created_due=now, fuzz=False
    )
    assert a.due == b.due
    assert abs((a.due - unfuzzed.due).days) <= 0.1 * (unfuzzed.due - unfuzzed.last_review).days + 1


def card_id():
    return "0b6f3a52-1c1e-4c39-9d7e-6d0f4c1b2a10"
