"""Flashcard jobs. Fitting is CPU work that never runs inside a request."""

from __future__ import annotations

import dramatiq

from . import services


@dramatiq.actor(queue_name="fsrs", max_retries=2, min_backoff=60_000, time_limit=15 * 60_000)
def fsrs_parameters_fit_job(pair_id: str) -> None:
    """Fit a pair's FSRS parameters (idempotent: it recomputes from the full history and overwrites).
    A pair deleted meanwhile is simply skipped."""
    from vocab.models import UserLanguagePair

    if UserLanguagePair.objects.filter(pk=pair_id).exists():
        services.fsrs_parameters_fit(pair_id=pair_id)
