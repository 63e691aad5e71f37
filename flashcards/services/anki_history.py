"""An Anki deck's scheduling and review history onto a batch of our cards (the import's second half;
`anki_import` reads the notes and batches them).

A card that was never reviewed here takes Anki's state: its review history (revlog, ratings 1-4)
becomes the card's events, and its FSRS memory state (stability, difficulty) is computed from that
history with fsrs-rs-python — the same code Anki runs — or, without history, from the SM-2 ease and
interval. Due date and state follow Anki's card (review / learning / relearning); a suspended card
stays suspended. Cards already reviewed here are left alone, and events carry
`client_event_id = "anki:<revlog id>"` (unique per learner), so applying a batch twice writes nothing
new.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import connection
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

from langlearn.anki.reader import Card, Review
from vocab.models import UserLanguagePair

from ..models import CardState, Direction, Flashcard, FlashcardEvent
from .reviews import _count_reviews, _enqueue_fits

if TYPE_CHECKING:
    from .anki_import import AnkiImportReport, _Row

MATURE_DAYS = 21  # Anki's "mature": an interval of 21 days or more


@dataclass(frozen=True)
class HistoryContext:
    """What every batch of one import shares: the pair, its FSRS model, the deck's creation time."""

    pair: UserLanguagePair
    fsrs: FSRS
    crt: int  # the collection's creation (epoch seconds): review cards' `due` counts days from it
    now: datetime

    @classmethod
    def of(cls, *, pair: UserLanguagePair, crt: int, now: datetime) -> HistoryContext:
        params = [float(p) for p in pair.fsrs_parameters] if pair.fsrs_parameters else list(DEFAULT_PARAMETERS)
        return cls(pair=pair, fsrs=FSRS(params), crt=crt, now=now)


def _when(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _snapshot(state: int, step, stability, difficulty, due: datetime, last_review: datetime | None) -> dict:
    """`scheduling.state_snapshot`'s shape (the non-PostgreSQL path; PostgreSQL builds it in SQL)."""
    return {
        "state": int(state),
        "step": step,
        "stability": stability,
        "difficulty": difficulty,
        "due": due.isoformat(),
        "last_review": last_review.isoformat() if last_review else None,
    }


def _after_state(review: Review, reviewed: bool) -> int:
    if review.ivl > 0:
        return CardState.REVIEW
    return CardState.RELEARNING if reviewed else CardState.LEARNING


def _due_of(card: Card, crt: int, now: datetime) -> datetime:
    if card.queue == 1 or (card.type in (1, 3) and card.due > 1_000_000_000):
        return datetime.fromtimestamp(card.due, UTC)  # intraday learning: epoch seconds
    if card.type in (1, 2, 3):
        return datetime.fromtimestamp(crt, UTC) + timedelta(days=card.due)  # days since creation
    return now


def history_apply(
    *, ctx: HistoryContext, rows: list[_Row], ids: dict, reviews: dict[int, list[Review]], report: AnkiImportReport
) -> tuple[set[str], set[str]]:
    """Give `rows`' cards Anki's state and history. Returns the keys of the words Anki calls mature
    (known) and suspended (ignored). Call it inside the batch's transaction."""
    pair, crt, now, fsrs = ctx.pair, ctx.crt, ctx.now, ctx.fsrs
    ours: dict[tuple[uuid.UUID, str], tuple[uuid.UUID, datetime | None, bool]] = {}
    entry_ids = list(ids.values())
    for start in range(0, len(entry_ids), 10_000):
        for card_id, entry_id, direction, last_review, suspended in Flashcard.objects.filter(
            pair=pair, entry_id__in=entry_ids[start : start + 10_000]
        ).values_list("id", "entry_id", "direction", "last_review", "suspended"):
            ours[(entry_id, direction)] = (card_id, last_review, suspended)
    directions = (Direction.RECOGNISE, Direction.PRODUCE)
    todo: list[tuple[uuid.UUID, Card, list[Review], bool]] = []
    known: set[str] = set()
    ignored: set[str] = set()
    for row in rows:
        entry_id = ids[row.key]
        for index, anki_card in enumerate(row.cards):
            if anki_card.queue == -1:
                ignored.add(row.key)
            elif anki_card.type == 2 and anki_card.ivl >= MATURE_DAYS:
                known.add(row.key)
            target = ours.get((entry_id, directions[index])) if index < len(directions) else None
            if target is None:
                report.cards_without_a_direction += 1
                continue
            card_id, last_review, suspended_here = target
            if last_review is not None:
                report.cards_kept += 1
                continue
            todo.append((card_id, anki_card, reviews.get(anki_card.id, []), suspended_here))
    tz = pair.user.zone
    items: list[FSRSItem] = []
    with_history = [t for t in todo if t[2]]
    for _, _, history, _ in with_history:
        day = _when(history[0].id).astimezone(tz).date()
        item = []
        for review in history:
            current = _when(review.id).astimezone(tz).date()
            item.append(FSRSReview(review.ease, (current - day).days))
            day = current
        items.append(FSRSItem(item))
    states = fsrs.historical_memory_state_batch(items) if items else []
    memory = {id(t): s for t, s in zip(with_history, states, strict=True)}

    updates: list[tuple] = []
    events: list[tuple] = []
    for entry in todo:
        card_id, anki_card, history, suspended_here = entry
        suspended = anki_card.queue == -1
        report.suspended += suspended
        report.mature += anki_card.type == 2 and anki_card.ivl >= MATURE_DAYS
        if anki_card.type == 0 and not history:  # new in Anki: stays new here, suspended or not
            if suspended and not suspended_here:
                updates.append((card_id, CardState.LEARNING, 0, None, None, now, None, True))
                report.cards_scheduled += 1
            continue
        stability = difficulty = None
        last = None
        if history:
            states_of = memory[id(entry)]
            reviewed = False
            for review, state in zip(history, states_of, strict=True):
                at = _when(review.id)
                kind = _after_state(review, reviewed)
                reviewed = reviewed or kind == CardState.REVIEW
                due = at + (timedelta(days=review.ivl) if review.ivl > 0 else timedelta(seconds=-review.ivl))
                step = None if kind == CardState.REVIEW else 0
                rid = f"anki:{review.id}"
                events.append(
                    (
                        card_id,
                        review.ease,
                        at,
                        max(review.time, 0),
                        rid,
                        int(kind),
                        step,
                        state.stability,
                        state.difficulty,
                        due,
                    )
                )
            stability, difficulty = states_of[-1].stability, states_of[-1].difficulty
            last = _when(history[-1].id)
        due = _due_of(anki_card, crt, now)
        if anki_card.type == 2:
            state, step = CardState.REVIEW, None
            if stability is None and anki_card.ivl > 0:
                sm2 = fsrs.memory_state_from_sm2(max(anki_card.factor, 1300) / 1000, anki_card.ivl, 0.9)
                stability, difficulty = sm2.stability, sm2.difficulty
            last = last or min(due - timedelta(days=max(anki_card.ivl, 1)), now)
        elif anki_card.type in (1, 3):
            state, step = (CardState.LEARNING if anki_card.type == 1 else CardState.RELEARNING), 0
        else:  # new in Anki after a "forget", with history: new here too
            state, step, stability, difficulty, last, due = CardState.LEARNING, 0, None, None, None, now
        if last is None:
            stability = difficulty = None
        updates.append((card_id, state, step, stability, difficulty, due, last, suspended))
        report.cards_scheduled += 1
    _write_cards(updates, now=now)
    inserted = _write_events(events, user_id=pair.user_id, now=now)
    report.reviews_imported += inserted
    if inserted:
        _enqueue_fits(_count_reviews({pair.pk: inserted}))
    return known, ignored


def _write_cards(updates: list[tuple], *, now: datetime) -> None:
    if not updates:
        return
    if connection.vendor != "postgresql":
        fields = ("state", "step", "stability", "difficulty", "due", "last_review", "suspended")
        cards = [Flashcard(id=u[0], **dict(zip(fields, u[1:], strict=True)), updated_at=now) for u in updates]
        Flashcard.objects.bulk_update(cards, [*fields, "updated_at"], batch_size=1000)
        return
    table = Flashcard._meta.db_table
    columns = list(zip(*updates, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS c SET state = u.state, step = u.step, stability = u.stability,
                difficulty = u.difficulty, due = u.due, last_review = u.last_review, suspended = u.suspended,
                updated_at = %s
            FROM unnest(%s::uuid[], %s::smallint[], %s::smallint[], %s::float8[], %s::float8[],
                        %s::timestamptz[], %s::timestamptz[], %s::boolean[])
                AS u(id, state, step, stability, difficulty, due, last_review, suspended)
            WHERE c.id = u.id
            """,  # noqa: S608 — the table name is the model's
            [now, *[list(c) for c in columns]],
        )


EVENT_COLUMNS = "card_id, rating, reviewed_at, duration_ms, client_event_id, state, step, stability, difficulty, due"


def _write_events(events: list[tuple], *, user_id, now: datetime) -> int:
    """Insert the events; ones already there (same learner and client_event_id) are skipped.
    Returns how many were inserted. Each event is (card, rating, reviewed_at, ms, client id) and the
    state after it; the state before is the previous event's after (`scheduling.state_snapshot`'s
    shape). PostgreSQL: COPY the scalars into a staging table and build both snapshots in the one
    INSERT … SELECT (LAG over each card's events), so 200,000 reviews cost no JSON in Python."""
    if not events:
        return 0
    if connection.vendor != "postgresql":
        return _write_events_generic(events, user_id=user_id)
    table = FlashcardEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS anki_event_staging")
        cursor.execute(
            "CREATE TEMPORARY TABLE anki_event_staging (card_id uuid, rating smallint, reviewed_at timestamptz,"
            " duration_ms integer, client_event_id text, state smallint, step smallint, stability float8,"
            " difficulty float8, due timestamptz) ON COMMIT DROP"
        )
        with cursor.cursor.copy(f"COPY anki_event_staging ({EVENT_COLUMNS}) FROM STDIN") as copy:
            for event in events:
                copy.write_row(event)
        cursor.execute(
            f"""
            INSERT INTO {table} (id, card_id, user_id, rating, reviewed_at, duration_ms, state_before,
                                 state_after, client_event_id, created_at)
            SELECT gen_random_uuid(), card_id, %s, rating, reviewed_at, duration_ms,
                   COALESCE(
                       LAG(after) OVER (PARTITION BY card_id ORDER BY reviewed_at),
                       jsonb_build_object('state', 1, 'step', 0, 'stability', NULL, 'difficulty', NULL,
                                          'due', reviewed_at, 'last_review', NULL)
                   ),
                   after, client_event_id, %s
            FROM (
                SELECT s.*, jsonb_build_object('state', state, 'step', step, 'stability', stability,
                                               'difficulty', difficulty, 'due', due,
                                               'last_review', reviewed_at) AS after
                FROM anki_event_staging s
            ) AS e
            ON CONFLICT DO NOTHING
            """,  # noqa: S608 — the table name is the model's
            [user_id, now],
        )
        return cursor.rowcount


def _write_events_generic(events: list[tuple], *, user_id) -> int:
    objs, before = [], None
    for card_id, rating, at, ms, client_id, state, step, stability, difficulty, due in events:
        if before is None or before[0] != card_id:
            before = (card_id, _snapshot(CardState.LEARNING, 0, None, None, at, None))
        after = _snapshot(state, step, stability, difficulty, due, at)
        objs.append(
            FlashcardEvent(
                card_id=card_id,
                user_id=user_id,
                rating=rating,
                reviewed_at=at,
                duration_ms=ms,
                state_before=before[1],
                state_after=after,
                client_event_id=client_id,
            )
        )
        before = (card_id, after)
    count = FlashcardEvent.objects.filter(user_id=user_id).count()
    FlashcardEvent.objects.bulk_create(objs, ignore_conflicts=True, batch_size=2000)
    return FlashcardEvent.objects.filter(user_id=user_id).count() - count
