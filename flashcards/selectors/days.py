"""Review activity from the per pair per day counters (`PairDay`): the home screen's figures at a cost
that does not grow with the learner's history (a row per active day, not a row per review)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from vocab.models import UserLanguagePair

from ..models import PairDay
from .stats import HISTORY_DAYS, review_activity, streaks


def review_summary(*, user, pair: UserLanguagePair | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Reviews today, current and longest streak, and true retention over the last 30 days (the same
    figures as `review_activity`), for one pair or all the learner's pairs. One query.

    Days are the learner's when they reviewed: after a change of time zone, past days keep the old
    one's boundaries until `rebuild_pair_days` recomputes them. SQLite has no counters (they are kept
    by PostgreSQL triggers): there the events are read as before."""
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        activity = review_activity(user=user, pair=pair, now=now)
        return {
            "reviews_today": activity["reviews_per_day"][-1]["reviews"],
            "current_streak": activity["current_streak"],
            "longest_streak": activity["longest_streak"],
            "true_retention": activity["true_retention"],
            "retention_reviews": activity["retention_reviews"],
        }
    today = now.astimezone(user.zone).date()
    since = today - timedelta(days=HISTORY_DAYS - 1)
    rows = PairDay.objects.filter(user=user, reviews__gt=0)
    if pair is not None:
        rows = rows.filter(pair=pair)
    per_day = (
        rows.order_by()
        .values("day")
        .annotate(n=Sum("reviews"), total=Sum("retention_reviews"), passed=Sum("retention_passed"))
        .values_list("day", "n", "total", "passed")
    )
    days, reviews_today, total, passed = set(), 0, 0, 0
    for day, n, day_total, day_passed in per_day:
        days.add(day)
        if day == today:
            reviews_today = n
        if since <= day <= today:
            total += day_total
            passed += day_passed
    current, longest = streaks(days, today)
    return {
        "reviews_today": reviews_today,
        "current_streak": current,
        "longest_streak": longest,
        "true_retention": round(passed / total, 4) if total else None,
        "retention_reviews": total,
    }
