"""The bridge between a `Flashcard` row and the `fsrs` package (FSRS-6). Scheduling is always done by
`fsrs.Scheduler`; this module only maps columns to `fsrs.Card` and back and builds the scheduler a
language pair asks for (its desired retention and, once fitted, its own parameters)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from fsrs import Card, Scheduler, State

from vocab.models import UserLanguagePair

from .models import Flashcard

FSRS_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review")


def fuzzing_enabled() -> bool:
    """Fuzz spreads reviews of cards learnt together over neighbouring days (the FSRS default). Tests
    that compare our intervals with `fsrs` itself turn it off with `FSRS_ENABLE_FUZZING = False`."""
    return getattr(settings, "FSRS_ENABLE_FUZZING", True)


@lru_cache(maxsize=256)
def _scheduler(parameters: tuple[float, ...] | None, desired_retention: float, fuzz: bool) -> Scheduler:
    if parameters is None:
        return Scheduler(desired_retention=desired_retention, enable_fuzzing=fuzz)
    return Scheduler(parameters=parameters, desired_retention=desired_retention, enable_fuzzing=fuzz)


def scheduler_for_pair(pair: UserLanguagePair, *, fuzz: bool | None = None) -> Scheduler:
    parameters = tuple(float(p) for p in pair.fsrs_parameters) if pair.fsrs_parameters else None
    return _scheduler(parameters, float(pair.desired_retention), fuzzing_enabled() if fuzz is None else fuzz)


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


def apply_fsrs(card: Flashcard, scheduled: Card) -> None:
    card.state = int(scheduled.state)
    card.step = scheduled.step
    card.stability = scheduled.stability
    card.difficulty = scheduled.difficulty
    card.due = scheduled.due
    card.last_review = scheduled.last_review


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def state_snapshot(card: Flashcard) -> dict[str, Any]:
    """What an event stores as state_before/state_after (JSON)."""
    return {
        "state": int(card.state),
        "step": card.step,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": _iso(card.due),
        "last_review": _iso(card.last_review),
    }
