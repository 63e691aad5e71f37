"""Flashcard rules. Creating cards for new word bank entries is shared by every door that adds
words (manual add, bulk add, packs, articles, adventures), so it lives here once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from vocab.models import LearnableWordBankEntry, UserLanguagePair

from ..models import CardState, Direction, Flashcard


def flashcards_build_for_entries(
    *, pair: UserLanguagePair, entries: Iterable[LearnableWordBankEntry], now: datetime | None = None
) -> list[Flashcard]:
    """Unsaved cards for `entries` (recognise, plus produce when the pair has it on), new and due now.
    Callers save them with one `bulk_create(..., ignore_conflicts=True)`."""
    now = now or timezone.now()
    directions = [Direction.RECOGNISE]
    if pair.production_cards_enabled:
        directions.append(Direction.PRODUCE)
    return [
        Flashcard(
            user_id=pair.user_id,
            pair=pair,
            entry=entry,
            direction=direction,
            state=CardState.LEARNING,
            step=0,
            due=now,
        )
        for entry in entries
        for direction in directions
    ]


def flashcard_set_suspended(*, card: Flashcard, suspended: bool) -> Flashcard:
    """A suspended card leaves the due queue (and the due-queue index) until unsuspended; its FSRS
    state is kept, so unsuspending resumes where it was."""
    if card.suspended != suspended:
        card.suspended = suspended
        card.save(update_fields=["suspended", "updated_at"])
    return card
