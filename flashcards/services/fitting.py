"""Fitting a learner's own FSRS-6 parameters from their review history with `fsrs-rs-python` (the
Rust optimizer Anki ships; no torch). One set per language pair; below 512 reviews the defaults
stay, because a fit on little data predicts worse than the defaults."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.utils import timezone
from fsrs_rs_python import FSRS

from vocab.models import UserLanguagePair

from ..scheduling import fsrs_parameter_problems
from ..selectors.history import fsrs_items, review_histories_for_pair

logger = logging.getLogger(__name__)

MIN_REVIEWS_FOR_FIT = 512


@dataclass(frozen=True)
class FitResult:
    pair_id: uuid.UUID
    reviews: int
    fitted: bool
    parameters: list[float] | None = None
    reason: str = ""


def fsrs_parameters_fit(
    *, pair_id: uuid.UUID | str, min_reviews: int = MIN_REVIEWS_FOR_FIT, dry_run: bool = False
) -> FitResult:
    pair = UserLanguagePair.objects.select_related("user").get(pk=pair_id)
    count, histories = review_histories_for_pair(pair)
    if count < min_reviews:
        return FitResult(
            pair_id=pair.pk, reviews=count, fitted=False, reason=f"{count} reviews, fewer than {min_reviews}"
        )
    tz = pair.user.zone
    items = fsrs_items(histories, tz)
    if not items:
        return FitResult(pair_id=pair.pk, reviews=count, fitted=False, reason="no reviews on separate days yet")
    try:
        parameters = [float(p) for p in FSRS([]).compute_parameters(items)]
    except (ValueError, RuntimeError) as exc:  # the optimizer rejects this history: retrying cannot help
        logger.warning("FSRS fit for pair %s failed: %s", pair.pk, exc)
        return FitResult(pair_id=pair.pk, reviews=count, fitted=False, reason=f"the optimizer failed: {exc}")
    if fsrs_parameter_problems(parameters):
        logger.warning("FSRS fit for pair %s gave unusable parameters: %s", pair.pk, parameters)
        return FitResult(pair_id=pair.pk, reviews=count, fitted=False, reason="the optimizer gave unusable parameters")
    if not dry_run:
        UserLanguagePair.objects.filter(pk=pair.pk).update(
            fsrs_parameters=parameters,
            fsrs_parameters_fitted_at=timezone.now(),
            fsrs_reviews_at_fit=count,
        )
    return FitResult(pair_id=pair.pk, reviews=count, fitted=True, parameters=parameters)
