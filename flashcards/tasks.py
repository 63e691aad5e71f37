"""Flashcard jobs. Fitting is CPU work that never runs inside a request."""

from __future__ import annotations

import dramatiq

from . import services


@dramatiq.actor(queue_name="fsrs", max_retries=2, min_backoff=60_000, time_limit=15 * 60_000)
def fsrs_parameters_fit_job(pair_id: str) -> None:
    """Fit a pair's FSRS parameters (idempotent: it recomputes from the full history and overwrites).
    A pair deleted meanwhile is simply skipped."""
    from vocab.models import UserLanguagePair

    if not UserLanguagePair.objects.filter(pk=pair_id).exists():
        return
    result = services.fsrs_parameters_fit(pair_id=pair_id)
    pair = UserLanguagePair.objects.filter(pk=pair_id, reschedule_on_fit=True).first()
    if result.fitted and pair is not None:
        # The learner opted in: existing cards take the new parameters now, not at their next review.
        services.flashcards_reschedule(pair=pair)


@dramatiq.actor(queue_name="fsrs", max_retries=2, min_backoff=60_000, time_limit=15 * 60_000)
def flashcards_reschedule_job(pair_id: str) -> None:
    """Replay a pair's cards with its current parameters (idempotent: a second run changes nothing)."""
    from vocab.models import UserLanguagePair

    pair = UserLanguagePair.objects.filter(pk=pair_id).first()
    if pair is not None:
        services.flashcards_reschedule(pair=pair)
