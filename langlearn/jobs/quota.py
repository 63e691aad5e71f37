"""The learner's daily generation quota (articles and adventure scenes count against the same one).

DRF throttles are cache-based and not atomic (DRF #8127): twenty parallel requests can all pass a
"19 < 20" check. The quota is therefore a counter row per (user, local day) bumped by a conditional
UPDATE (`count <= limit - amount`); PostgreSQL re-evaluates that condition after waiting for the row
lock, so concurrent requests are serialised and the counter never passes the limit. Consume inside
the transaction that creates the job: if the job is not created, the unit is not spent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from langlearn.errors import QuotaExceeded

from .models import GenerationUsage


@dataclass(frozen=True)
class QuotaStatus:
    limit: int
    used: int
    resets_at: datetime

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def _local_day(user, now: datetime) -> tuple[date, datetime]:
    """The learner's current day in their time zone, and when the next one starts (aware)."""
    tz = user.zone
    local = now.astimezone(tz)
    tomorrow = local.date() + timedelta(days=1)
    return local.date(), datetime.combine(tomorrow, time.min, tzinfo=tz)


def daily_limit() -> int:
    return settings.GENERATION_DAILY_QUOTA


def quota_status(*, user, now: datetime | None = None) -> QuotaStatus:
    now = now or timezone.now()
    day, resets_at = _local_day(user, now)
    used = GenerationUsage.objects.filter(user=user, day=day).values_list("count", flat=True).first() or 0
    return QuotaStatus(limit=daily_limit(), used=used, resets_at=resets_at)


def _exceeded(status: QuotaStatus, now: datetime) -> QuotaExceeded:
    return QuotaExceeded(
        f"Daily generation quota of {status.limit} reached; it resets at {status.resets_at.isoformat()}.",
        retry_after=(status.resets_at - now).total_seconds(),
        extra={"limit": status.limit, "resets_at": status.resets_at.isoformat()},
    )


def quota_check(*, user, amount: int = 1, now: datetime | None = None) -> QuotaStatus:
    """A cheap, non-binding look before doing costly request-time work (fetching a URL)."""
    now = now or timezone.now()
    status = quota_status(user=user, now=now)
    if status.used + amount > status.limit:
        raise _exceeded(status, now)
    return status


def quota_consume(*, user, amount: int = 1, now: datetime | None = None) -> QuotaStatus:
    """Spend `amount` units of today's quota or raise QuotaExceeded (429 with the reset time)."""
    now = now or timezone.now()
    limit = daily_limit()
    day, resets_at = _local_day(user, now)
    with transaction.atomic():
        GenerationUsage.objects.get_or_create(user=user, day=day)
        spent = GenerationUsage.objects.filter(user=user, day=day, count__lte=limit - amount).update(
            count=F("count") + amount
        )
        if not spent:
            raise _exceeded(QuotaStatus(limit=limit, used=limit, resets_at=resets_at), now)
        used = GenerationUsage.objects.filter(user=user, day=day).values_list("count", flat=True).get()
    return QuotaStatus(limit=limit, used=used, resets_at=resets_at)


def quota_refund(*, user, at: datetime, amount: int = 1) -> None:
    """Give back units spent on the learner's day of `at` (a job that failed before any paid work,
    e.g. a refused URL). Never below zero."""
    day, _ = _local_day(user, at)
    GenerationUsage.objects.filter(user=user, day=day, count__gte=amount).update(count=F("count") - amount)
