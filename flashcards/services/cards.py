"""Flashcard rules. Creating cards for new word bank entries is shared by every door that adds
words (manual add, bulk add, packs, articles, adventures, a pair turning production cards on):
`flashcards_create_for_entries` is the one call vocab makes into flashcards."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from django.db import connection
from django.utils import timezone

from vocab.models import UserLanguagePair

from ..models import CardState, Direction, Flashcard

# What a new card is: its direction and initial FSRS state. Everything else is the entry, the pair
# and the time.
TEMPLATE_FIELDS = ("direction", "state", "step", "stability", "difficulty", "due", "last_review", "suspended")


def _new_cards(*, pair: UserLanguagePair, now: datetime) -> list[Flashcard]:
    """The cards one new entry of `pair` gets (unsaved, no entry): recognise, plus produce when the
    pair has it on; new and due now."""
    directions = [Direction.RECOGNISE]
    if pair.production_cards_enabled:
        directions.append(Direction.PRODUCE)
    return [
        Flashcard(user_id=pair.user_id, pair=pair, direction=direction, state=CardState.LEARNING, step=0, due=now)
        for direction in directions
    ]


def flashcards_create_for_entries(
    *, pair: UserLanguagePair, entry_ids: Collection[UUID], now: datetime | None = None
) -> None:
    """Give these entries of `pair` their cards; an (entry, direction) that already has its card is
    left as it is. Call it inside the transaction that created the entries.

    PostgreSQL: one INSERT ... SELECT over the ids (unnest) crossed with the new-card templates, so
    5,000 entries cost one statement; column types come from the model. Elsewhere (SQLite for
    `make run`): bulk_create."""
    if not entry_ids:
        return
    now = now or timezone.now()
    templates = _new_cards(pair=pair, now=now)
    if connection.vendor != "postgresql":
        cards = [
            Flashcard(**{f: getattr(t, f) for f in ("user_id", "pair_id", *TEMPLATE_FIELDS)}, entry_id=entry_id)
            for entry_id in entry_ids
            for t in templates
        ]
        Flashcard.objects.bulk_create(cards, ignore_conflicts=True, batch_size=1000)
        return
    meta = Flashcard._meta
    casts = [meta.get_field(f).db_type(connection) for f in TEMPLATE_FIELDS]
    row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    fields = ", ".join(TEMPLATE_FIELDS)
    sql = f"""
        INSERT INTO {meta.db_table} (id, created_at, updated_at, user_id, pair_id, entry_id, {fields})
        SELECT gen_random_uuid(), %s, %s, %s, %s, e.id, {", ".join(f"t.{f}" for f in TEMPLATE_FIELDS)}
        FROM unnest(%s::uuid[]) AS e(id) CROSS JOIN (VALUES {", ".join([row] * len(templates))}) AS t({fields})
        ON CONFLICT DO NOTHING
    """  # noqa: S608 — identifiers come from the model; values are bound
    params: list = [now, now, pair.user_id, pair.pk, list(entry_ids)]
    for card in templates:
        params.extend(getattr(card, f) for f in TEMPLATE_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def flashcard_set_suspended(*, card: Flashcard, suspended: bool) -> Flashcard:
    """A suspended card leaves the due queue (and the due-queue index) until unsuspended; its FSRS
    state is kept, so unsuspending resumes where it was."""
    if card.suspended != suspended:
        card.suspended = suspended
        card.save(update_fields=["suspended", "updated_at"])
    return card
