"""Progress figures for the stats screen, in the learner's own calendar (Account.time_zone)."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from vocab.models import UserLanguagePair

from ..models import CardState, Flashcard, FlashcardEvent, Rating
from .memory import memory_for_pairs, true_retention_by_month

HISTORY_DAYS = 30
FORECAST_DAYS = 14


def streaks(days: set[date], today: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days with a review. Today without a review yet does not
    break the current streak: it counts back from yesterday until the day is over."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = 0
    cursor = today if today in days else today - timedelta(days=1)
    while cursor in days:
        current += 1
        cursor -= timedelta(days=1)
    return current, longest


def _day_bounds(user, now: datetime) -> tuple[zoneinfo.ZoneInfo, date, datetime]:
    tz = user.zone
    today = now.astimezone(tz).date()
    return tz, today, datetime.combine(today, datetime.min.time(), tzinfo=tz)


def review_activity(*, user, pair: UserLanguagePair | None = None, now: datetime | None = None) -> dict[str, Any]:
    """What the learner did: reviews per day, true retention and streaks. Reads review events only, so
    a screen that shows no card counts (home) does not pay for aggregates over every card."""
    now = now or timezone.now()
    tz, today, day_start = _day_bounds(user, now)
    since = day_start - timedelta(days=HISTORY_DAYS - 1)

    events = FlashcardEvent.objects.filter(user=user)
    if pair is not None:
        events = events.filter(card__pair=pair)

    per_day = dict(
        events.filter(reviewed_at__gte=since)
        .order_by()
        .annotate(day=TruncDate("reviewed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    history = [
        {"date": (today - timedelta(days=i)).isoformat(), "reviews": per_day.get(today - timedelta(days=i), 0)}
        for i in range(HISTORY_DAYS - 1, -1, -1)
    ]

    # True retention: of the reviews of cards in the Review state, the share not forgotten (not "again").
    retention = events.filter(reviewed_at__gte=since, state_before__state=CardState.REVIEW).aggregate(
        total=Count("id"), passed=Count("id", filter=~Q(rating=Rating.AGAIN))
    )

    # order_by(): the model's default ordering would join DISTINCT and return one row per event.
    days = events.order_by().annotate(day=TruncDate("reviewed_at", tzinfo=tz)).values_list("day", flat=True)
    current, longest = streaks(set(days.distinct()), today)

    return {
        "language_pair": str(pair.pk) if pair else None,
        "time_zone": str(tz),
        "reviews_per_day": history,
        "reviews_last_30_days": sum(per_day.values()),
        "true_retention": round(retention["passed"] / retention["total"], 4) if retention["total"] else None,
        "retention_reviews": retention["total"],
        "current_streak": current,
        "longest_streak": longest,
    }


def flashcard_stats(*, user, pair: UserLanguagePair | None = None, now: datetime | None = None) -> dict[str, Any]:
    """The stats screen: review activity, cards by state, the due forecast (stored due dates), what the
    learner remembers by FSRS's model (`memory.memory_for_pairs`) and true retention by month."""
    now = now or timezone.now()
    tz, today, day_start = _day_bounds(user, now)
    activity = review_activity(user=user, pair=pair, now=now)

    cards = Flashcard.objects.filter(user=user)
    if pair is not None:
        cards = cards.filter(pair=pair)

    studied = Q(last_review__isnull=False, suspended=False)
    by_state = cards.aggregate(
        new=Count("id", filter=Q(last_review__isnull=True, suspended=False)),
        learning=Count("id", filter=studied & Q(state=CardState.LEARNING)),
        review=Count("id", filter=studied & Q(state=CardState.REVIEW)),
        relearning=Count("id", filter=studied & Q(state=CardState.RELEARNING)),
        suspended=Count("id", filter=Q(suspended=True)),
    )

    forecast_rows = (
        cards.filter(suspended=False, last_review__isnull=False, due__lt=day_start + timedelta(days=FORECAST_DAYS))
        .order_by()
        .annotate(day=TruncDate("due", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    forecast_counts = [0] * FORECAST_DAYS
    for day, n in forecast_rows:
        forecast_counts[max(0, (day - today).days)] += n  # overdue cards are due today
    forecast = [
        {"date": (today + timedelta(days=i)).isoformat(), "due": forecast_counts[i]} for i in range(FORECAST_DAYS)
    ]

    events = FlashcardEvent.objects.filter(user=user)
    if pair is not None:
        events = events.filter(card__pair=pair)
    pairs = [pair] if pair is not None else list(UserLanguagePair.objects.filter(user=user))
    return {
        **activity,
        "cards_by_state": by_state,
        "due_forecast": forecast,
        **memory_for_pairs(user=user, pairs=pairs, today=today, tz=tz, now=now),
        "true_retention_by_month": true_retention_by_month(events=events, tz=tz, today=today),
    }
