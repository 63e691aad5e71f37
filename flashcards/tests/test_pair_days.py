"""The per pair per day counters (PairDay) kept by triggers, their rebuild, and the home summary."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from flashcards.models import FlashcardEvent, PairDay
from flashcards.pair_days import pair_days_rebuild
from flashcards.selectors import review_activity, review_summary
from vocab.tests.factories import PairFactory, card_for

pytestmark = pytest.mark.django_db


def event(card, *, when, rating=3, state=2, first=False):
    return FlashcardEvent.objects.create(
        card=card, user_id=card.user_id, rating=rating, reviewed_at=when,
        state_before={"state": state, "last_review": None if first else (when - timedelta(days=3)).isoformat()},
        state_after={"state": 2},
    )  # fmt: skip


def counters(pair):
    return {
        d.day: (d.reviews, d.new_cards, d.retention_reviews, d.retention_passed)
        for d in PairDay.objects.filter(pair=pair)
    }


def in_sync() -> bool:
    return pair_days_rebuild(connection, dry_run=True) == {"missing": 0, "stale": 0, "wrong": 0}


def test_reviews_through_the_api_keep_the_counters(auth_client, user, pair):
    cards = [card_for(pair) for _ in range(3)]
    for card, rating in zip(cards, ("good", "again", "easy"), strict=True):
        assert auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": rating}).status_code == 201
    now, offline = timezone.now(), card_for(pair)
    sync = [
        {"client_event_id": f"e{i}", "card": str(offline.pk), "rating": "good",
         "reviewed_at": (now - timedelta(days=2, minutes=10 - i)).isoformat()}
        for i in range(2)
    ]  # fmt: skip
    response = auth_client.post("/api/flashcards/reviews/sync", {"events": sync}, format="json")
    assert response.json()["applied"] == 2
    today = now.astimezone(user.zone).date()
    assert counters(pair)[today][:2] == (3, 3)  # three first reviews today
    assert sum(c[0] for c in counters(pair).values()) == FlashcardEvent.objects.filter(user=user).count()
    assert in_sync()


def test_direct_writes_and_deletes_keep_the_counters(user, pair):
    now = timezone.now()
    card = card_for(pair)
    e1 = event(card, when=now, first=True, state=1)
    event(card, when=now, rating=1)
    event(card, when=now - timedelta(days=1), rating=4)
    today = now.astimezone(user.zone).date()
    assert counters(pair)[today] == (2, 1, 1, 0)
    e1.delete()
    assert counters(pair)[today] == (1, 0, 1, 0)
    FlashcardEvent.objects.filter(user=user).update(rating=3)
    assert counters(pair)[today] == (1, 0, 1, 1)
    assert in_sync()


def test_days_are_the_learners_and_an_unknown_zone_counts_as_utc(user, pair):
    user.time_zone = "Pacific/Kiritimati"  # UTC+14
    user.save()
    when = timezone.now().replace(hour=12, minute=0)
    event(card_for(pair), when=when)
    assert list(counters(pair)) == [(when + timedelta(hours=14)).date()]
    user.time_zone = "Not/AZone"
    user.save()
    event(card_for(pair), when=when)
    assert when.date() in counters(pair)


def test_deleting_a_pair_or_a_learner_with_reviews_works(user, pair):
    event(card_for(pair), when=timezone.now())
    other = PairFactory(user=user, target_language="fr")
    event(card_for(other), when=timezone.now())
    pair.delete()
    assert not PairDay.objects.filter(pair_id=pair.pk).exists()
    user.delete()
    assert not PairDay.objects.exists()


def test_rebuild_repairs_and_is_idempotent(user, pair, capsys):
    event(card_for(pair), when=timezone.now())
    PairDay.objects.filter(pair=pair).update(reviews=7)
    PairDay.objects.create(pair=pair, user=user, day=timezone.now().date() - timedelta(days=400), reviews=2)
    call_command("rebuild_pair_days", "--dry-run")
    assert "would add 0 day rows, removed 1, corrected 1" in capsys.readouterr().out
    assert PairDay.objects.filter(pair=pair).count() == 2
    call_command("rebuild_pair_days", "--email", user.email)
    assert list(counters(pair).values()) == [(1, 0, 1, 1)]
    call_command("rebuild_pair_days")
    assert "added 0 day rows, removed 0, corrected 0" in capsys.readouterr().out.splitlines()[-1]


def test_summary_matches_the_event_scan(user, pair):
    now = timezone.now()
    other = PairFactory(user=user, target_language="fr")
    card, other_card = card_for(pair), card_for(other)
    for days in (0, 1, 2, 4, 5, 6, 7, 40):
        event(card, when=now - timedelta(days=days), rating=1 if days == 2 else 3)
    event(other_card, when=now - timedelta(days=3), state=1)
    for scope in (None, pair, other):
        activity = review_activity(user=user, pair=scope, now=now)
        summary = review_summary(user=user, pair=scope, now=now)
        assert summary == {
            "reviews_today": activity["reviews_per_day"][-1]["reviews"],
            "current_streak": activity["current_streak"],
            "longest_streak": activity["longest_streak"],
            "true_retention": activity["true_retention"],
            "retention_reviews": activity["retention_reviews"],
        }
    assert review_summary(user=user, now=now)["current_streak"] == 8
