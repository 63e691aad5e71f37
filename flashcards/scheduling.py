"""The bridge between a `Flashcard` row and the `fsrs` package (FSRS-6). Scheduling is always done by
`fsrs.Scheduler`; this module maps columns to `fsrs.Card` and back, builds the scheduler a language pair
asks for (its desired retention and, once fitted, its own parameters), and replays a card's history.

A card's state is a function of its history: `flashcard_state_from_history` replays the reviews in
`reviewed_at` order (ties broken by a stable key), so reviews that arrive late or out of order from
another device give the same state as if they had arrived in order. For that to hold, fuzz must be a
function of the review too: it is seeded by (card, reviewed_at) instead of `fsrs`'s global `random()`,
the way Anki seeds it by card id and review count."""

from __future__ import annotations

import logging
import math
import random
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import FUZZ_RANGES, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from vocab.models import UserLanguagePair

from .models import Flashcard

logger = logging.getLogger(__name__)

FSRS_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review")


def fuzzing_enabled() -> bool:
    """Fuzz spreads reviews of cards learnt together over neighbouring days (the FSRS default). Tests
    that compare our intervals with `fsrs` itself turn it off with `FSRS_ENABLE_FUZZING = False`."""
    return getattr(settings, "FSRS_ENABLE_FUZZING", True)


def fsrs_parameter_problems(parameters: Sequence[float]) -> list[str]:
    """Why `fsrs.Scheduler` would refuse these parameters (empty: it accepts them), from the package's
    own bounds so the two never disagree."""
    if len(parameters) != len(LOWER_BOUNDS_PARAMETERS):
        return [f"expected {len(LOWER_BOUNDS_PARAMETERS)} parameters, got {len(parameters)}"]
    return [
        f"parameters[{i}] = {p} is outside [{lo}, {hi}]"
        for i, (p, lo, hi) in enumerate(zip(parameters, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True))
        if not (math.isfinite(p) and lo <= p <= hi)
    ]


@lru_cache(maxsize=256)
def _scheduler(parameters: tuple[float, ...] | None, desired_retention: float) -> Scheduler:
    # fsrs's own fuzz draws from the process-wide random(): never on, see `fsrs_review`.
    if parameters is None:
        return Scheduler(desired_retention=desired_retention, enable_fuzzing=False)
    return Scheduler(parameters=parameters, desired_retention=desired_retention, enable_fuzzing=False)


def scheduler_for(parameters: Sequence[float] | None, desired_retention: float) -> Scheduler:
    values = tuple(float(p) for p in parameters) if parameters else None
    if values is not None and fsrs_parameter_problems(values):
        # Stored before the bounds were validated: scheduling with the defaults beats a 500 on every
        # review of the pair. The learner's PATCH is validated, so this only meets old rows.
        logger.warning("Out-of-bounds FSRS parameters ignored: %s", fsrs_parameter_problems(values))
        values = None
    return _scheduler(values, float(desired_retention))


def scheduler_for_pair(pair: UserLanguagePair, *, fuzz: bool | None = None) -> Scheduler:
    """The pair's scheduler. It never fuzzes by itself (`fuzz` is accepted for callers that say so):
    `fsrs_review` adds the seeded fuzz."""
    return scheduler_for(pair.fsrs_parameters, pair.desired_retention)


def _fuzz_range(interval_days: int, maximum_interval: int) -> tuple[int, int]:
    """fsrs's fuzz range (scheduler.py `_get_fuzz_range`), from its own FUZZ_RANGES table."""
    delta = 1.0
    for r in FUZZ_RANGES:
        delta += r["factor"] * max(min(float(interval_days), r["end"]) - r["start"], 0.0)
    low = max(2, round(interval_days - delta))
    high = min(round(interval_days + delta), maximum_interval)
    return min(low, high), high


def seeded_fuzz(interval: timedelta, *, maximum_interval: int, card_id: int, reviewed_at: datetime) -> timedelta:
    """The fuzzed interval fsrs would draw, but drawn from a generator seeded by the review itself, so a
    replay of the same history gives the same due dates."""
    days = interval.days
    if days < 2.5:  # fsrs does not fuzz short intervals
        return interval
    low, high = _fuzz_range(days, maximum_interval)
    rng = random.Random(f"{card_id}:{reviewed_at.astimezone(UTC).isoformat()}")
    return timedelta(days=min(round(rng.random() * (high - low + 1) + low), maximum_interval))


def fsrs_review(
    scheduler: Scheduler, card: Card, rating: int, reviewed_at: datetime, *, fuzz: bool | None = None
) -> Card:
    """One review through `fsrs.Scheduler.review_card`, plus seeded fuzz when the card is in Review."""
    at = reviewed_at.astimezone(UTC)
    scheduled, _log = scheduler.review_card(card, Rating(rating), review_datetime=at)
    if (fuzzing_enabled() if fuzz is None else fuzz) and scheduled.state == State.Review:
        interval = scheduled.due - at
        scheduled.due = at + seeded_fuzz(
            interval, maximum_interval=scheduler.maximum_interval, card_id=card.card_id, reviewed_at=at
        )
    return scheduled


def fsrs_card_id(card_id: uuid.UUID | str) -> int:
    """Same as `Flashcard.fsrs_card_id`, for rows read with `.values()`."""
    value = card_id if isinstance(card_id, uuid.UUID) else uuid.UUID(str(card_id))
    return value.int & ((1 << 63) - 1)


def to_fsrs(card: Flashcard | Mapping[str, Any]) -> Card:
    """An `fsrs.Card` from a row or from a mapping with `id` and the FSRS columns."""
    get = card.get if isinstance(card, Mapping) else lambda name: getattr(card, name)
    return Card(
        card_id=fsrs_card_id(get("id")),
        state=State(get("state")),
        step=get("step"),
        stability=get("stability"),
        difficulty=get("difficulty"),
        due=get("due"),
        last_review=get("last_review"),
    )


def new_fsrs_card(card_id: uuid.UUID | str, due: datetime) -> Card:
    """The state of a card never reviewed (what `flashcards_create_for_entries` stores)."""
    return Card(card_id=fsrs_card_id(card_id), state=State.Learning, step=0, due=due)


def apply_fsrs(card: Flashcard, scheduled: Card) -> None:
    card.state = int(scheduled.state)
    card.step = scheduled.step
    card.stability = scheduled.stability
    card.difficulty = scheduled.difficulty
    card.due = scheduled.due
    card.last_review = scheduled.last_review


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def snapshot(card: Flashcard | Card) -> dict[str, Any]:
    """What an event stores as state_before/state_after (JSON), from a row or an `fsrs.Card`."""
    return {
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": _iso(card.due),
        "last_review": _iso(card.last_review),
    }


state_snapshot = snapshot


@dataclass(frozen=True)
class HistoryReview:
    """One review of a card's history: what replay needs, and a stable key for reviews at the same
    instant (the client_event_id, else the event id) so every replay orders them alike."""

    reviewed_at: datetime
    rating: int
    tiebreak: str = ""

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.reviewed_at, self.tiebreak)


@dataclass(frozen=True)
class ReplayedReview:
    review: HistoryReview
    before: Card
    after: Card


def flashcard_state_from_history(
    *,
    card_id: uuid.UUID | str,
    history: Iterable[HistoryReview],
    scheduler: Scheduler,
    created_due: datetime,
    fuzz: bool | None = None,
) -> tuple[Card, list[ReplayedReview]]:
    """The card's state after its whole history, replayed in (reviewed_at, tiebreak) order from a new
    card, and each review's state before and after. Pure: no database."""
    card = new_fsrs_card(card_id, created_due)
    steps: list[ReplayedReview] = []
    for review in sorted(history, key=lambda r: r.order):
        after = fsrs_review(scheduler, card, review.rating, review.reviewed_at, fuzz=fuzz)
        steps.append(ReplayedReview(review=review, before=card, after=after))
        card = after
    return card, steps
