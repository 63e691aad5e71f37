"""Merging the cards of word-bank entries that turned out to be one word (a re-analysis gave them
the same key: "casas" stored under the old analyser's "casar" next to "casa"). vocab's entry merge
calls this, the second seam from vocab into flashcards after card creation.

Nothing is lost: a card of a direction the surviving entry lacks moves to it whole; when both have a
card of the same direction (one card per entry and direction is a database constraint), the merged
card's review events move onto the surviving card and that card is replayed over the union of the
two histories in `reviewed_at` order with the pair's scheduler (`scheduling.flashcard_replay`, the same
replay late reviews and rescheduling use). Every event keeps its rating, time, duration and client id;
only the derived before/after states are recomputed, as for any replay. The learner studied one word
twice, so one history of all those reviews is the truthful state; two cards would keep showing the
same word.

Set-based: a batch of merges costs a few statements, not a few per merge (a query is ~10 ms on a
busy server, and a 5,000-word bank re-analysed has hundreds of merges)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, UUIDField, Value, When
from django.utils import timezone

from ..models import Flashcard, FlashcardEvent
from ..scheduling import apply_fsrs, flashcard_replay
from .bulk import cards_save_states, events_save_states


@dataclass
class CardsMerged:
    moved: int = 0  # cards moved whole to the surviving entry
    combined: int = 0  # cards whose history was merged into the surviving entry's card of the same direction
    events_moved: int = 0  # review events moved onto a surviving card


def flashcards_merge_entries(
    *, merges: Sequence[tuple[uuid.UUID, uuid.UUID]], dry_run: bool = False
) -> dict[uuid.UUID, CardsMerged]:
    """For each (survivor entry id, merged entry id) of one pair, move the merged entry's cards (and
    review history) to the survivor. Returns what happened per merged entry id. Call it inside the
    transaction that deletes the merged entries; cards are locked in id order like the review
    services lock them. A survivor is never itself merged in the same call."""
    survivor_of = {merged: survivor for survivor, merged in merges}
    report = {merged: CardsMerged() for merged in survivor_of}
    cards = list(
        Flashcard.objects.select_for_update(of=("self",))
        .select_related("pair")
        .filter(entry_id__in={*survivor_of, *survivor_of.values()})
        .order_by("pk")
    )
    kept = {(c.entry_id, c.direction): c for c in cards if c.entry_id not in survivor_of}
    moved: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)  # survivor entry -> cards moved to it
    into: dict[uuid.UUID, uuid.UUID] = {}  # merged card -> the surviving card taking its history
    for card in (c for c in cards if c.entry_id in survivor_of):
        entry = survivor_of[card.entry_id]
        target = kept.get((entry, card.direction))
        if target is None:
            report[card.entry_id].moved += 1
            moved[entry].append(card.pk)
            kept[(entry, card.direction)] = card  # a third entry's card of this direction joins it
        else:
            report[card.entry_id].combined += 1
            into[card.pk] = target.pk
    by_pk = {c.pk: c for c in cards}
    events: dict[uuid.UUID, list[FlashcardEvent]] = defaultdict(list)
    if into:
        for event in FlashcardEvent.objects.filter(card_id__in=[*into, *into.values()]).order_by():
            if event.card_id in into:
                report[by_pk[event.card_id].entry_id].events_moved += 1
                event.card_id = into[event.card_id]
            events[event.card_id].append(event)
    if dry_run:
        return report
    now = timezone.now()
    for entry, card_ids in moved.items():
        Flashcard.objects.filter(pk__in=card_ids).update(entry_id=entry, updated_at=now)
    if not into:
        return report
    FlashcardEvent.objects.filter(card_id__in=list(into)).update(
        card_id=Case(*[When(card_id=m, then=Value(t)) for m, t in into.items()], output_field=UUIDField())
    )
    targets = [by_pk[pk] for pk in dict.fromkeys(into.values())]
    changed_events: list[FlashcardEvent] = []
    for target in targets:
        if events[target.pk]:
            final, changed = flashcard_replay(target, events[target.pk])
            apply_fsrs(target, final)
            changed_events += changed
    events_save_states(changed_events)
    cards_save_states(targets, now=now)
    # A card the learner still studies stays in the queue: suspended only if all its parts were.
    unsuspended = {t for m, t in into.items() if by_pk[t].suspended and not by_pk[m].suspended}
    if unsuspended:
        Flashcard.objects.filter(pk__in=unsuspended).update(suspended=False)
    Flashcard.objects.filter(pk__in=list(into)).delete()  # their events are on the targets now
    return report
