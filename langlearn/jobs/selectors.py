"""Reads on jobs, always scoped to the learner at the query."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Job


def jobs_for_user(*, user, status: str | None = None, kind: str | None = None) -> QuerySet[Job]:
    qs = Job.objects.filter(user=user)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs
