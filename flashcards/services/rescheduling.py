"""Rescheduling: replay every reviewed card of a pair with the pair's current parameters, as Anki
offers after an optimisation. A card's state is a function of its history, so this is also the
repair for any state that drifted from it (fuzz drawn before it was seeded, parameters changed):
running it twice changes nothing the second time."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from vocab.models import UserLanguagePair

from ..models import Flashcard, FlashcardEvent
from ..scheduling import apply_fsrs, flashcard_replay
from ..scheduling import snapshot as fsrs_snapshot
from .bulk import cards_save_states, events_save_states

CHUNK = 500  # cards locked and rewritten per transaction: a review waits on at most one chunk


@dataclass(frozen=True)
class RescheduleResult:
    pair_id: uuid.UUID
    cards: int  # reviewed cards replayed
    changed: int  # cards whose state (due date, stability…) the replay changed
    events_changed: int  # events whose derived before/after state changed
    dry_run: bool


def _card_chunks(pair: UserLanguagePair) -> list[list[uuid.UUID]]:
    # Cards with events, not cards with a last_review: the history is the truth.
    reviewed = FlashcardEvent.objects.filter(card__pair=pair).values("card_id")
    ids = list(Flashcard.objects.filter(pair=pair, pk__in=reviewed).order_by("pk").values_list("pk", flat=True))
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def flashcards_reschedule(
    *, pair: UserLanguagePair, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> RescheduleResult:
    """Replay each reviewed card of `pair` with its current scheduler; save what changed (unless
    `dry_run`). Cards are locked chunk by chunk in id order, like the review services lock them."""
    cards_seen = changed_cards = changed_events = 0
    for chunk in _card_chunks(pair):
        with transaction.atomic():
            cards = list(
                Flashcard.objects.select_for_update(of=("self",))
                .select_related("pair")
                .filter(pk__in=chunk)
                .order_by("pk")
            )
            events: dict[uuid.UUID, list[FlashcardEvent]] = {card.pk: [] for card in cards}
            for event in FlashcardEvent.objects.filter(card_id__in=events).order_by():
                events[event.card_id].append(event)
            card_updates, event_updates = [], []
            for card in cards:
                if not events[card.pk]:
                    continue
                final, changed = flashcard_replay(card, events[card.pk])
                event_updates += changed
                old = fsrs_snapshot(card)
                apply_fsrs(card, final)
                if fsrs_snapshot(card) != old:
                    card_updates.append(card)
            cards_seen += len(cards)
            changed_cards += len(card_updates)
            changed_events += len(event_updates)
            if not dry_run:
                cards_save_states(card_updates, now=timezone.now())
                events_save_states(event_updates)
        if progress:
            progress(len(chunk))
    return RescheduleResult(
        pair_id=pair.pk, cards=cards_seen, changed=changed_cards, events_changed=changed_events, dry_run=dry_run
    )
