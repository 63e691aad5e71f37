"""A pair's review history in the shape fsrs-rs trains and evaluates on."""

from __future__ import annotations

import uuid
import zoneinfo
from datetime import datetime

from fsrs_rs_python import FSRSItem, FSRSReview

from vocab.models import UserLanguagePair

from ..models import FlashcardEvent


def fsrs_items(histories: dict[uuid.UUID, list[tuple[datetime, int]]], tz: zoneinfo.ZoneInfo) -> list[FSRSItem]:
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


def review_histories_for_pair(pair: UserLanguagePair) -> tuple[int, dict[uuid.UUID, list[tuple[datetime, int]]]]:
    """(number of reviews, card id → [(reviewed_at, rating)] in time order), streamed in chunks."""
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
    return count, histories
