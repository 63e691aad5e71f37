from datetime import timedelta

import pytest
from django.utils import timezone

from flashcards.models import Flashcard, FlashcardEvent
from flashcards.selectors import learner_day_start, streaks
from vocab.tests.factories import PairFactory, card_for

URL = "/api/flashcards/stats"
pytestmark = pytest.mark.django_db


def event(card, when, rating=3, state_before=2):
    return FlashcardEvent.objects.create(
        card=card, user=card.user, rating=rating, reviewed_at=when,
        state_before={"state": state_before, "last_review": when.isoformat()}, state_after={"state": 2},
    )  # fmt: skip


@pytest.fixture
def kiritimati_user(user):
    user.time_zone = "Pacific/Kiritimati"  # UTC+14, so "today" differs from UTC's for most of the day
    user.save()
    return user


def test_stats_in_the_learners_time_zone(auth_client, kiritimati_user, pair):
    card = card_for(pair)
    day_start = learner_day_start(kiritimati_user, timezone.now())
    noon = day_start + timedelta(hours=12)
    event(card, day_start + timedelta(seconds=1))  # today, locally (yesterday in UTC for part of the day)
    for k in (1, 2):  # yesterday and the day before: a 3-day current streak
        event(card, noon - timedelta(days=k), rating=1 if k == 1 else 3)
    for k in range(10, 15):  # an older 5-day streak
        event(card, noon - timedelta(days=k), state_before=1)
    event(card, noon - timedelta(days=40))  # outside the 30-day window

    body = auth_client.get(URL).json()
    assert body["time_zone"] == "Pacific/Kiritimati"
    per_day = body["reviews_per_day"]
    assert len(per_day) == 30
    assert per_day[-1] == {"date": day_start.date().isoformat(), "reviews": 1}
    assert per_day[-2]["reviews"] == 1
    assert per_day[-11]["reviews"] == 1
    assert body["reviews_last_30_days"] == 8
    assert (body["current_streak"], body["longest_streak"]) == (3, 5)
    # Of the 3 reviews of review-state cards in 30 days, one was "again".
    assert body["retention_reviews"] == 3
    assert body["true_retention"] == pytest.approx(2 / 3, abs=1e-4)


def test_cards_by_state_and_due_forecast(auth_client, user):
    pair = PairFactory(user=user, production_cards_enabled=False)
    now = timezone.now()
    day_start = learner_day_start(user, now)
    card_for(pair)  # new
    overdue, in_three_days, relearning, suspended = (card_for(pair) for _ in range(4))
    Flashcard.objects.filter(pk=overdue.pk).update(state=2, last_review=now, due=now - timedelta(days=2))
    Flashcard.objects.filter(pk=in_three_days.pk).update(
        state=2, last_review=now, due=day_start + timedelta(days=3, hours=1)
    )
    Flashcard.objects.filter(pk=relearning.pk).update(state=3, last_review=now, due=day_start + timedelta(days=20))
    Flashcard.objects.filter(pk=suspended.pk).update(suspended=True)
    body = auth_client.get(URL, {"language_pair": str(pair.pk)}).json()
    assert body["cards_by_state"] == {"new": 1, "learning": 0, "review": 2, "relearning": 1, "suspended": 1}
    forecast = [d["due"] for d in body["due_forecast"]]
    assert len(forecast) == 14
    assert forecast[0] == 1
    assert forecast[3] == 1
    assert sum(forecast) == 2
    assert body["true_retention"] is None
    assert (body["current_streak"], body["longest_streak"]) == (0, 0)


def test_stats_per_pair_and_scoped(auth_client, user, other_pair):
    a = PairFactory(user=user, target_language="fr")
    b = PairFactory(user=user, target_language="de")
    event(card_for(a), timezone.now() - timedelta(minutes=5))
    assert auth_client.get(URL, {"language_pair": str(b.pk)}).json()["reviews_last_30_days"] == 0
    assert auth_client.get(URL, {"language_pair": str(a.pk)}).json()["reviews_last_30_days"] == 1
    assert auth_client.get(URL).json()["reviews_last_30_days"] == 1
    assert auth_client.get(URL, {"language_pair": str(other_pair.pk)}).status_code == 404


def test_streak_rules():
    from datetime import date

    today = date(2026, 3, 10)
    days = {date(2026, 3, 9), date(2026, 3, 8), date(2026, 3, 1)}
    assert streaks(days, today) == (2, 2)  # no review yet today does not break it
    assert streaks(days | {today}, today) == (3, 3)
    assert streaks({date(2026, 3, 7)}, today) == (0, 1)
    assert streaks(set(), today) == (0, 0)


def test_stats_query_count_is_constant(auth_client, pair, django_assert_max_num_queries):
    card = card_for(pair)
    event(card, timezone.now() - timedelta(minutes=5))
    with django_assert_max_num_queries(7):
        auth_client.get(URL, {"language_pair": str(pair.pk)})
    for k in range(40):
        event(card_for(pair), timezone.now() - timedelta(days=k % 20, minutes=5))
    with django_assert_max_num_queries(7):
        body = auth_client.get(URL, {"language_pair": str(pair.pk)}).json()
    assert body["current_streak"] == 20
