"""Fitting a learner's own FSRS-6 parameters from their review history with `fsrs-rs-python` (the
Rust optimizer Anki ships; no torch). One set per language pair; below 512 reviews the defaults
stay, because a fit on little data predicts worse than the defaults."""

from __future__ import annotations

import logging
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from fsrs_rs_python import FSRS, FSRSItem, FSRSReview

from vocab.models import UserLanguagePair

from ..models import FlashcardEvent
from ..scheduling import fsrs_parameter_problems

logger = logging.getLogger(__name__)

MIN_REVIEWS_FOR_FIT = 512


@dataclass(frozen=True)
class FitResult:
    pair_id: uuid.UUID
    reviews: int
    fitted: bool
    parameters: list[float] | None = None
    reason: str = ""


def _items_for(histories: dict[uuid.UUID, list[tuple[datetime, int]]], tz: zoneinfo.ZoneInfo) -> list[FSRSItem]:
    """fsrs-rs trains on one item per review with at least one earlier day: the card's history up to
    and including that review, as (rating, whole days since the previous review) in the learner's
    calendar. Same-day repeats (learning steps) are kept inside the history but do not make items."""
    items: list[tuple[datetime, FSRSItem]] = []
    for history in histories.values():
        reviews: list[FSRSReview] = []
        last_day = history[0][0].astimezone(tz).date()
        for reviewed_at, rating in history:
            day = reviewed_at.astimezone(tz).date()
            delta = (day - last_day).days
            reviews.append(FSRSReview(rating, delta))
            if delta > 0:
                item = FSRSItem(list(reviews))
                if item.long_term_review_cnt() > 0:
                    items.append((reviewed_at, item))
            last_day = day
    items.sort(key=lambda pair: pair[0])
    return [item for _, item in items]


def fsrs_parameters_fit(
    *, pair_id: uuid.UUID | str, min_reviews: int = MIN_REVIEWS_FOR_FIT, dry_run: bool = False
) -> FitResult:
    pair = UserLanguagePair.objects.select_related("user").get(pk=pair_id)
    rows = (
        FlashcardEvent.objects.filter(card__pair_id=pair.pk)
        .order_by("card_id", "reviewed_at")
        .values_list("card_id", "reviewed_at", "rating")
    )
    histories: dict[uuid.UUID, list[tuple[datetime, int]]] = {}
    count = 0
    for card_id, reviewed_at, rating in rows.iterator(chunk_size=5000):
        histories.setdefault(card_id, []).append((reviewed_at, rating))
        count += 1
    if count < min_reviews:
        return FitResult(
            pair_id=pair.pk, reviews=count, fitted=False, reason=f"{count} reviews, fewer than {min_reviews}"
        )
    tz = pair.user.zone
    items = _items_for(histories, tz)
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
