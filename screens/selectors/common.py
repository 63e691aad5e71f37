"""Pieces every screen shares: which pair a screen is for, and small row summaries."""

from __future__ import annotations

import uuid
from typing import Any

from langlearn import storage
from langlearn.jobs.models import Job
from vocab.models import UserLanguagePair
from vocab.selectors import pair_get_for_user, pairs_for_user


def active_pair(pairs: list[UserLanguagePair]) -> UserLanguagePair | None:
    """The pair a screen opens on when none is asked for: the learner's first active pair (oldest
    first, the pairs' own order), else their first pair; None for a learner without pairs."""
    return next((p for p in pairs if p.is_active), pairs[0] if pairs else None)


def pair_for_screen(*, user, pair_id: uuid.UUID | None) -> UserLanguagePair | None:
    """The pair named by `?language_pair=` (someone else's answers 404), else the active pair."""
    if pair_id is not None:
        return pair_get_for_user(user=user, pair_id=pair_id)
    return pairs_for_user(user=user).order_by("-is_active", "created_at", "id").first()


def pair_summary(pair: UserLanguagePair) -> dict[str, Any]:
    return {
        "id": str(pair.pk),
        "source_language": pair.source_language,
        "target_language": pair.target_language,
        "level": pair.level,
        "is_active": pair.is_active,
    }


def job_summary(job: Job) -> dict[str, Any]:
    """Progress only: step outputs (LLM text, provider details) never leave the server."""
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "status": job.status,
        "current_step": job.current_step,
        "attempts": job.attempts,
        "error": job.error,
        "result": {"type": job.result_type or job.kind, "id": str(job.result_id)} if job.result_id else None,
        "created_at": job.created_at.isoformat(),
    }


def media(key: str | None) -> str | None:
    """A short-lived URL (presigned on S3) for a stored file, None when there is none."""
    return storage.media_url(key) if key else None
