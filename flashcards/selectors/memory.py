"""What the learner remembers, by FSRS's model: retrievability now (per card and on average),
"estimated total knowledge" (the sum of retrievability: how many cards you would recall if asked all
of them now), true retention by month, and a due forecast with the pair's current parameters.

Computed in Python over (stability, last_review) pairs so the same code runs on PostgreSQL and the
SQLite of `make run`; one query per language pair."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from fsrs import Scheduler

from vocab.models import UserLanguagePair

from ..models import CardState, Flashcard, Rating
from ..scheduling import scheduler_for_pair

RETENTION_MONTHS = 12
FITTED_FORECAST_DAYS = 30


def _curve(scheduler: Scheduler) -> tuple[float, float]:
    """(decay, factor) of FSRS-6's forgetting curve, from the scheduler's public parameters (as
    `fsrs.Scheduler.__init__` derives them)."""
    decay = -scheduler.parameters[20]
    return decay, 0.9 ** (1 / decay) - 1


def retrievability(
    scheduler: Scheduler, *, stability: float | None, last_review: datetime | None, now: datetime
) -> float:
    """FSRS-6's forgetting curve, the way `fsrs.Scheduler.get_card_retrievability` computes it (whole
    days elapsed), without building a Card per row."""
    if stability is None or last_review is None:
        return 0.0
    decay, factor = _curve(scheduler)
    elapsed = max(0, (now - last_review).days)
    return (1 + factor * elapsed / stability) ** decay


def _next_interval_days(scheduler: Scheduler, stability: float) -> int:
    """fsrs's `_next_interval` for a card in Review: the days until retrievability falls to the desired
    retention, rounded, at least 1, at most the maximum interval."""
    decay, factor = _curve(scheduler)
    days = (stability / factor) * (scheduler.desired_retention ** (1 / decay) - 1)
    return min(max(round(days), 1), scheduler.maximum_interval)


def memory_for_pairs(
    *, user, pairs: list[UserLanguagePair], today: date, tz, now: datetime | None = None
) -> dict[str, Any]:
    now = now or timezone.now()
    total = 0.0
    studied = 0
    forecast = [0] * FITTED_FORECAST_DAYS
    for pair in pairs:
        scheduler = scheduler_for_pair(pair)
        rows = (
            Flashcard.objects.filter(user=user, pair=pair, suspended=False, last_review__isnull=False)
            .order_by()
            .values_list("state", "stability", "last_review", "due")
        )
        for state, stability, last_review, due in rows.iterator(chunk_size=5000):
            studied += 1
            total += retrievability(scheduler, stability=stability, last_review=last_review, now=now)
            if state == CardState.REVIEW and stability:
                # When the card falls to the desired retention under the pair's parameters now (a fit
                # since its last review moves this; the stored due keeps the old parameters' date).
                due = last_review + timedelta(days=_next_interval_days(scheduler, stability))
            offset = max(0, (due.astimezone(tz).date() - today).days)
            if offset < FITTED_FORECAST_DAYS:
                forecast[offset] += 1
    return {
        "studied_cards": studied,
        "average_retrievability": round(total / studied, 4) if studied else None,
        "estimated_total_knowledge": round(total, 1),
        "due_forecast_current_parameters": [
            {"date": (today + timedelta(days=i)).isoformat(), "due": forecast[i]} for i in range(FITTED_FORECAST_DAYS)
        ],
    }


def true_retention_by_month(*, events, tz, today: date) -> list[dict[str, Any]]:
    """Of the reviews of cards in the Review state, the share not forgotten, per calendar month (the
    learner's), the last 12 months, oldest first; months without such reviews have `null`."""
    first = date(today.year, today.month, 1)
    for _ in range(RETENTION_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    since = datetime.combine(first, datetime.min.time(), tzinfo=tz)
    rows = (
        events.filter(reviewed_at__gte=since, state_before__state=CardState.REVIEW)
        .order_by()
        .annotate(month=TruncMonth("reviewed_at", tzinfo=tz))
        .values("month")
        .annotate(total=Count("id"), passed=Count("id", filter=~Q(rating=Rating.AGAIN)))
        .values_list("month", "total", "passed")
    )
    by_month = {(m.year, m.month): (t, p) for m, t, p in rows}
    out = []
    month = first
    for _ in range(RETENTION_MONTHS):
        total, passed = by_month.get((month.year, month.month), (0, 0))
        out.append(
            {
                "month": month.strftime("%Y-%m"),
                "reviews": total,
                "true_retention": round(passed / total, 4) if total else None,
            }
        )
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def card_retrievability(card: Flashcard, *, now: datetime | None = None) -> float | None:
    """One card's retrievability now, with its pair's parameters (None for a card never reviewed)."""
    if card.last_review is None or card.stability is None:
        return None
    value = retrievability(
        scheduler_for_pair(card.pair), stability=card.stability, last_review=card.last_review, now=now or timezone.now()
    )
    return round(value, 4) if math.isfinite(value) else None
