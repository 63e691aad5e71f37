"""The review screen: the next cards of the due queue, ready to draw and to answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from flashcards.selectors import due_cards_for_user, due_counts_for_user, flashcard_preview_intervals
from vocab.models import UserLanguagePair

from .common import pair_summary

DEFAULT_CARDS = 20


def review_screen(
    *, user, pair: UserLanguagePair | None, limit: int = DEFAULT_CARDS, now: datetime | None = None
) -> dict[str, Any]:
    """The next `limit` cards (the due queue's own order and daily new-card limit) with what each
    rating would schedule, and how much of today's queue is left after them. Seven queries."""
    now = now or timezone.now()
    if pair is None:  # a learner without a language pair has nothing to review yet
        return {
            "language_pair": None,
            "pair": None,
            "cards": [],
            "counts": {"due": 0, "due_capped": False, "new": 0, "in_batch": 0, "remaining_due": 0, "remaining_new": 0},
        }
    cards, _ = due_cards_for_user(user=user, pair=pair, limit=limit, now=now)
    for card in cards:
        card["intervals"] = flashcard_preview_intervals(card, pair=pair, now=now)
    totals = due_counts_for_user(user=user, pairs=[pair], now=now)[pair.pk]
    new_in_batch = sum(1 for c in cards if c["is_new"])
    return {
        "language_pair": str(pair.pk),
        "pair": pair_summary(pair),
        "cards": cards,
        "counts": {
            "due": totals["due"],
            "due_capped": totals["due_capped"],
            "new": totals["new"],
            "in_batch": len(cards),
            "remaining_due": max(0, totals["due"] - (len(cards) - new_in_batch)),
            "remaining_new": max(0, totals["new"] - new_in_batch),
        },
    }
