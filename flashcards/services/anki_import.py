"""A learner's own Anki deck (.apkg / .colpkg, either package format) into a word bank, with its
scheduling and review history.

- Notes become word-bank entries: fields matched by name (Front/Word/Expression → text,
  Back/Meaning → translation, Example, Example translation, Part of speech, Audio/Sound; see
  `packs.services.anki.FIELD_NAMES`), or by the learner's `mapping` {our field: Anki field name}
  when the names differ. The first `[sound:…]` becomes the entry's audio (stored under a key
  derived from its content, so a re-import stores nothing new).
- A note's first card (lowest template ord) gives the recognise card, a second one the produce
  card (when the pair has production cards on). A card that was never reviewed here takes Anki's
  state: its review history (revlog, ratings 1-4) becomes the card's events, and its FSRS memory
  state (stability, difficulty) is computed from that history with fsrs-rs-python — the same code
  Anki runs — or, without history, from the SM-2 ease and interval. Due date and state follow
  Anki's card (review / learning / relearning); a suspended card stays suspended.
- Mature cards (interval ≥ 21 days) mark their lemma known, suspended ones ignored:
  `lemma_statuses_from_anki` (issue 15's statuses).
- Re-importing the same deck changes nothing: entries are keyed by the word-bank key, cards that
  already have a review here are left alone, events carry `client_event_id = "anki:<revlog id>"`
  (unique per learner).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

from langlearn import storage
from langlearn.anki.fields import field_map
from langlearn.anki.reader import AnkiPackage, Card, Limits, Review, open_package
from langlearn.anki.text import field_to_text, sounds
from vocab.keys import normalize_key
from vocab.models import EntrySource, LearnableWordBankEntry, UserLanguagePair
from vocab.services.bulk import entries_insert_rows

from ..models import CardState, Direction, Flashcard, FlashcardEvent
from .reviews import _count_reviews, _enqueue_fits

MATURE_DAYS = 21  # Anki's "mature": an interval of 21 days or more
TARGETS = ("text", "translation", "part_of_speech", "example_sentence", "example_translation", "audio")
MAX_LENGTHS = {"text": 200, "translation": 500, "part_of_speech": 16}
MAX_REPORTED_PROBLEMS = 200


@dataclass
class AnkiImportReport:
    format: str = ""
    notes: int = 0
    entries_created: int = 0
    entries_existing: int = 0
    audio_stored: int = 0
    cards_scheduled: int = 0  # cards that took Anki's state
    cards_kept: int = 0  # already reviewed here: left as they are
    cards_without_a_direction: int = 0  # a note's third+ card, or a produce card the pair has off
    reviews_imported: int = 0
    suspended: int = 0
    mature: int = 0
    lemma_statuses: dict = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)  # {line, message}: notes not imported
    problem_count: int = 0

    def problem(self, line: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED_PROBLEMS:
            self.problems.append({"line": line, "message": message})

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(slots=True)
class _Row:
    line: int
    key: str
    values: dict[str, str]
    sound: str | None
    cards: list[Card]


def check_mapping(mapping: object) -> dict[str, str]:
    """The learner's mapping, validated: {our field: Anki field name}."""
    if mapping in (None, ""):
        return {}
    if not isinstance(mapping, dict) or not all(isinstance(v, str) and v.strip() for v in mapping.values()):
        raise ValueError('mapping must be an object {"text": "Anki field name", ...}')
    unknown = set(mapping) - set(TARGETS)
    if unknown:
        raise ValueError(f"mapping: unknown field(s) {', '.join(sorted(unknown))}; use {', '.join(TARGETS)}")
    return {k: v.strip() for k, v in mapping.items()}


StatusHook = Callable[..., int]
# Word statuses live above flashcards (issue 15's `knowledge` app), so they plug in here instead of
# being imported: a hook `hook(pair=, known=set of keys, ignored=set of keys) -> statuses changed`,
# appended from that app's AppConfig.ready(). It runs inside the import's transaction.
STATUS_HOOKS: list[StatusHook] = []


def lemma_statuses_from_anki(*, pair: UserLanguagePair, known: set[str], ignored: set[str]) -> dict:
    """Mature cards → lemma known, suspended → ignored (ignored wins), through `STATUS_HOOKS`;
    without one the counts are reported and `stored` is false."""
    known = known - ignored
    changed = sum(hook(pair=pair, known=known, ignored=ignored) for hook in STATUS_HOOKS)
    return {"known": len(known), "ignored": len(ignored), "stored": bool(STATUS_HOOKS), "changed": changed}


def _read_rows(package: AnkiPackage, mapping: dict[str, str], report: AnkiImportReport) -> list[_Row]:
    cards_by_note: dict[int, list[Card]] = defaultdict(list)
    for card in package.cards():
        cards_by_note[card.note_id].append(card)
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    maps: dict[int, dict[str, int]] = {}
    for note in package.notes():
        report.notes += 1
        model = package.models.get(note.model_id)
        if model is None:
            report.problem(note.number, f"note type {note.model_id} is missing from the collection")
            continue
        fmap = maps.get(model.id)
        if fmap is None:
            fmap = maps[model.id] = field_map(model.fields, mapping)
        fields = note.fields
        values = {t: field_to_text(fields[i]) for t, i in fmap.items() if i < len(fields) and t != "audio"}
        text = " ".join(values.get("text", "").split())
        if not text:
            report.problem(note.number, "the word (text) field is empty")
            continue
        values["text"] = text
        too_long = next((n for n, limit in MAX_LENGTHS.items() if len(values.get(n, "")) > limit), None)
        if too_long:
            report.problem(note.number, f"{too_long} is longer than {MAX_LENGTHS[too_long]} characters")
            continue
        key = normalize_key(text)
        if key in seen:
            report.problem(note.number, f"duplicate of line {seen[key]} ({text!r})")
            continue
        seen[key] = note.number
        audio = fmap.get("audio")
        found = sounds(fields[audio] if audio is not None and audio < len(fields) else "\x1f".join(fields))
        cards = sorted(cards_by_note.get(note.id, ()), key=lambda c: c.ord)
        rows.append(_Row(note.number, key, values, found[0] if found else None, cards))
    return rows


def _store_audio(package: AnkiPackage, pair: UserLanguagePair, row: _Row, report: AnkiImportReport) -> str:
    data = package.read_media(row.sound)
    if data is None:
        report.problem(row.line, f"audio {row.sound!r} is not in the package's media (entry kept without it)")
        return ""
    ext = os.path.splitext(row.sound)[1].lower()[:8]
    key = f"anki/{pair.user_id}/{hashlib.sha256(data).hexdigest()[:32]}{ext}"
    if not storage.exists(key):
        storage.save_bytes(key, data, content_type=mimetypes.guess_type(row.sound)[0] or "application/octet-stream")
        report.audio_stored += 1
    return key


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


def anki_deck_import(
    *,
    pair: UserLanguagePair,
    source,
    mapping: dict[str, str] | None = None,
    limits: Limits | None = None,
    now: datetime | None = None,
) -> AnkiImportReport:
    """Import the package at `source` (a path, bytes or a binary file) into `pair`. Raises
    `AnkiFormatError` for a package that cannot be read at all; notes that cannot be imported are
    listed in the report's `problems` with their note number."""
    now = now or timezone.now()
    report = AnkiImportReport()
    with open_package(source, limits=limits) as package:
        report.format = package.format
        rows = _read_rows(package, mapping or {}, report)
        keys = [r.key for r in rows]
        existing: set[str] = set()
        for start in range(0, len(keys), 10_000):
            existing.update(
                LearnableWordBankEntry.objects.filter(
                    pair=pair, normalized_lemma__in=keys[start : start + 10_000]
                ).values_list("normalized_lemma", flat=True)
            )
        for row in rows:
            row.values["audio"] = (
                _store_audio(package, pair, row, report) if row.sound and row.key not in existing else ""
            )
        reviews: dict[int, list[Review]] = defaultdict(list)
        for review in package.revlog():
            if 1 <= review.ease <= 4 and review.type in (0, 1, 2, 3):
                reviews[review.card_id].append(review)
        crt = package.crt
    with transaction.atomic():
        ids, created = entries_insert_rows(
            pair=pair, rows=[{"key": r.key, **r.values} for r in rows], source=EntrySource.ANKI, now=now
        )
        report.entries_created = len(created)
        report.entries_existing = len(rows) - len(created)
        _apply_history(pair=pair, rows=rows, ids=ids, reviews=reviews, crt=crt, now=now, report=report)
    return report


def _apply_history(*, pair, rows, ids, reviews, crt, now, report: AnkiImportReport) -> None:
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
    params = [float(p) for p in pair.fsrs_parameters] if pair.fsrs_parameters else list(DEFAULT_PARAMETERS)
    fsrs = FSRS(params)
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
    report.reviews_imported = _write_events(events, user_id=pair.user_id, now=now)
    if report.reviews_imported:
        _enqueue_fits(_count_reviews({pair.pk: report.reviews_imported}))
    report.lemma_statuses = lemma_statuses_from_anki(pair=pair, known=known, ignored=ignored)


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
