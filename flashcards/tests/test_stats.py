from datetime import timedelta

import pytest
from django.utils import timezone
from fsrs import Scheduler

from flashcards.models import Flashcard, FlashcardEvent
from flashcards.scheduling import to_fsrs
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
    # 7, plus one for the memory figures (one per pair) and one for retention by month.
    with django_assert_max_num_queries(9):
        auth_client.get(URL, {"language_pair": str(pair.pk)})
    for k in range(40):
        event(card_for(pair), timezone.now() - timedelta(days=k % 20, minutes=5))
    with django_assert_max_num_queries(9):
        body = auth_client.get(URL, {"language_pair": str(pair.pk)}).json()
    assert body["current_streak"] == 20


def test_memory_figures_follow_fsrs(auth_client, pair):
    """Retrievability per card and on average, their sum, and the forecast, as `fsrs` computes them."""
    now = timezone.now()
    cards = [card_for(pair) for _ in range(3)]
    for days, card in zip((1, 10, 40), cards, strict=True):
        Flashcard.objects.filter(pk=card.pk).update(
            state=2, step=None, stability=10.0, difficulty=5.0, last_review=now - timedelta(days=days), due=now
        )
    scheduler = Scheduler()
    expected = [scheduler.get_card_retrievability(to_fsrs(Flashcard.objects.get(pk=c.pk)), now) for c in cards]
    body = auth_client.get(URL, {"language_pair": str(pair.pk)}).json()
    assert body["studied_cards"] == 3
    assert body["estimated_total_knowledge"] == pytest.approx(sum(expected), abs=0.05)
    assert body["average_retrievability"] == pytest.approx(sum(expected) / 3, abs=1e-3)
    forecast = body["due_forecast_current_parameters"]
    assert len(forecast) == 30
    assert sum(d["due"] for d in forecast) == 3
    assert [m["month"] for m in body["true_retention_by_month"]][-1] == timezone.localdate().strftime("%Y-%m")
    assert len(body["true_retention_by_month"]) == 12
    listed = auth_client.get("/api/flashcards", {"language_pair": str(pair.pk)}).json()["results"]
    by_id = {c["id"]: c["retrievability"] for c in listed}
    assert [by_id[str(c.pk)] for c in cards] == pytest.approx(expected, abs=1e-4)


def test_true_retention_by_month(auth_client, pair):
    card = card_for(pair)
    now = timezone.now()
    for rating in (3, 3, 1, 3):
        event(card, now - timedelta(minutes=5), rating=rating)
    event(card, now - timedelta(minutes=5), rating=1, state_before=1)  # a learning-step review: not counted
    months = auth_client.get(URL).json()["true_retention_by_month"]
    assert months[-1]["reviews"] == 4
    assert months[-1]["true_retention"] == 0.75
    assert months[0]["true_retention"] is None
