"""Merging the cards of two word-bank entries that turned out to be one word (a re-analysis gave them
the same key: "casas" stored under the old analyser's "casar" next to "casa"). vocab's entry merge
calls this, the second seam from vocab into flashcards after card creation.

Nothing is lost: a card of a direction the surviving entry lacks moves to it whole; when both have a
card of the same direction (one card per entry and direction is a database constraint), the merged
card's review events move onto the surviving card and that card is replayed over the union of the
two histories in `reviewed_at` order with the pair's scheduler (`scheduling.flashcard_replay`, the same
replay late reviews and rescheduling use). Every event keeps its rating, time, duration and client id;
only the derived before/after states are recomputed, as for any replay. The learner studied one word
twice, so one history of all those reviews is the truthful state; two cards would keep showing the
same word."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils import timezone

from ..models import Flashcard, FlashcardEvent
from ..scheduling import apply_fsrs, flashcard_replay
from .bulk import cards_save_states, events_save_states


@dataclass(frozen=True)
class CardsMerged:
    moved: int  # cards moved whole to the surviving entry
    combined: int  # cards whose history was merged into the surviving entry's card of the same direction
    events_moved: int  # review events moved onto a surviving card


def flashcards_merge_entries(*, survivor_id: uuid.UUID, merged_id: uuid.UUID, dry_run: bool = False) -> CardsMerged:
    """Move the cards (and review history) of entry `merged_id` to entry `survivor_id` of the same
    pair. Call it inside the transaction that deletes the merged entry; the cards are locked in id
    order like the review services lock them."""
    cards = list(
        Flashcard.objects.select_for_update(of=("self",))
        .select_related("pair")
        .filter(entry_id__in=[survivor_id, merged_id])
        .order_by("pk")
    )
    kept = {c.direction: c for c in cards if c.entry_id == survivor_id}
    moved = combined = events_moved = 0
    for card in (c for c in cards if c.entry_id == merged_id):
        target = kept.get(card.direction)
        if target is None:
            moved += 1
            if not dry_run:
                Flashcard.objects.filter(pk=card.pk).update(entry_id=survivor_id, updated_at=timezone.now())
            continue
        combined += 1
        events = list(FlashcardEvent.objects.filter(card_id__in=[target.pk, card.pk]).order_by())
        events_moved += sum(1 for e in events if e.card_id == card.pk)
        if dry_run:
            continue
        FlashcardEvent.objects.filter(card_id=card.pk).update(card_id=target.pk)
        for event in events:
            event.card_id = target.pk
        # A card the learner still studies stays in the queue: suspended only if both were.
        target.suspended = target.suspended and card.suspended
        final, changed = flashcard_replay(target, events)
        if events:
            apply_fsrs(target, final)
        events_save_states(changed)
        cards_save_states([target], now=timezone.now())
        Flashcard.objects.filter(pk=target.pk).update(suspended=target.suspended)
        card.delete()  # its events are on `target` now: the cascade deletes nothing
    return CardsMerged(moved=moved, combined=combined, events_moved=events_moved)
