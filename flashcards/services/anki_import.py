"""A learner's own Anki deck (.apkg / .colpkg, either package format) into a word bank, with its
scheduling and review history.

- Notes become word-bank entries: fields matched by name (Front/Word/Expression → text,
  Back/Meaning → translation, Example, Example translation, Part of speech, Audio/Sound; see
  `langlearn.anki.fields.FIELD_NAMES`), or by the learner's `mapping` {our field: Anki field name}
  when the names differ. The first `[sound:…]` becomes the entry's audio (stored under a key
  derived from its content, so a re-import stores nothing new).
- A note's first card (lowest template ord) gives the recognise card, a second one the produce
  card (when the pair has production cards on); their state and history: `anki_history`.
- Mature cards (interval ≥ 21 days) mark their lemma known, suspended ones ignored:
  `lemma_statuses_from_anki` (issue 15's statuses).
- Large decks go in batches: notes are read in id order and written `batch_notes` at a time, each
  batch (entries, audio, cards, events, statuses) in its own transaction, so memory stays flat and
  a 20,000-note deck shows its progress. `on_batch(done, total, report)` runs inside each batch's
  transaction, after its writes: the import job records its checkpoint there, so a batch and the
  checkpoint that says it is done commit together — a retried import resumes after the last
  committed batch (`resume_from`) and does nothing twice.
- Re-importing the same deck changes nothing: entries are keyed by the word-bank key, cards that
  already have a review here are left alone, events carry `client_event_id = "anki:<revlog id>"`.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from langlearn import storage
from langlearn.anki.fields import field_map
from langlearn.anki.reader import AnkiPackage, Card, Limits, Note, Review, open_package
from langlearn.anki.text import field_to_text, sounds
from vocab.keys import normalize_key
from vocab.models import EntrySource, LearnableWordBankEntry, UserLanguagePair
from vocab.services.bulk import entries_insert_rows

from .anki_history import MATURE_DAYS, HistoryContext, history_apply

__all__ = ["MATURE_DAYS", "STATUS_HOOKS", "TARGETS", "AnkiImportReport", "anki_deck_import", "check_mapping"]

TARGETS = ("text", "translation", "part_of_speech", "example_sentence", "example_translation", "audio")
MAX_LENGTHS = {"text": 200, "translation": 500, "part_of_speech": 16}
MAX_REPORTED_PROBLEMS = 200
DEFAULT_BATCH_NOTES = 500


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

    @classmethod
    def from_dict(cls, data: dict) -> AnkiImportReport:
        """A report saved in a checkpoint (unknown keys from another version are dropped)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def add_statuses(self, counts: dict) -> None:
        """Sum one batch's `lemma_statuses_from_anki` counts into the report's."""
        total = self.lemma_statuses or {"known": 0, "ignored": 0, "stored": False, "changed": 0}
        self.lemma_statuses = {
            "known": total["known"] + counts["known"],
            "ignored": total["ignored"] + counts["ignored"],
            "stored": counts["stored"],
            "changed": total["changed"] + counts["changed"],
        }


@dataclass(slots=True)
class _Row:
    line: int
    note_id: int
    key: str
    values: dict[str, str]
    sound: str | None
    cards: list[Card] = field(default_factory=list)


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
    changed = sum(hook(pair=pair, known=known, ignored=ignored) for hook in STATUS_HOOKS) if known | ignored else 0
    return {"known": len(known), "ignored": len(ignored), "stored": bool(STATUS_HOOKS), "changed": changed}


class _Notes:
    """Reads notes into rows: the field mapping per note type, and the keys seen so far so a note
    repeating an earlier word is reported with that word's note number (across batches)."""

    def __init__(self, package: AnkiPackage, mapping: dict[str, str]):
        self.package, self.mapping = package, mapping
        self.maps: dict[int, dict[str, int]] = {}
        self.seen: dict[str, int] = {}

    def _read(self, note: Note) -> tuple[dict[str, str], dict[str, int]] | str:
        model = self.package.models.get(note.model_id)
        if model is None:
            return f"note type {note.model_id} is missing from the collection"
        fmap = self.maps.get(model.id)
        if fmap is None:
            fmap = self.maps[model.id] = field_map(model.fields, self.mapping)
        fields_ = note.fields
        values = {t: field_to_text(fields_[i]) for t, i in fmap.items() if i < len(fields_) and t != "audio"}
        values["text"] = " ".join(values.get("text", "").split())
        if not values["text"]:
            return "the word (text) field is empty"
        too_long = next((n for n, limit in MAX_LENGTHS.items() if len(values.get(n, "")) > limit), None)
        if too_long:
            return f"{too_long} is longer than {MAX_LENGTHS[too_long]} characters"
        return values, fmap

    def skip(self, note: Note) -> None:
        """A note an earlier run imported: only remember its word."""
        read = self._read(note)
        if not isinstance(read, str):
            self.seen.setdefault(normalize_key(read[0]["text"]), note.number)

    def row(self, note: Note, report: AnkiImportReport) -> _Row | None:
        read = self._read(note)
        if isinstance(read, str):
            report.problem(note.number, read)
            return None
        values, fmap = read
        key = normalize_key(values["text"])
        if key in self.seen:
            report.problem(note.number, f"duplicate of line {self.seen[key]} ({values['text']!r})")
            return None
        self.seen[key] = note.number
        audio = fmap.get("audio")
        fields_ = note.fields
        found = sounds(fields_[audio] if audio is not None and audio < len(fields_) else "\x1f".join(fields_))
        return _Row(note.number, note.id, key, values, found[0] if found else None)


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


BatchHook = Callable[[int, int, AnkiImportReport], None]


def batch_size() -> int:
    return max(1, getattr(settings, "ANKI_IMPORT_BATCH_NOTES", DEFAULT_BATCH_NOTES))


def anki_deck_import(
    *,
    pair: UserLanguagePair,
    source,
    mapping: dict[str, str] | None = None,
    limits: Limits | None = None,
    now: datetime | None = None,
    batch_notes: int | None = None,
    resume_from: dict | None = None,
    on_batch: BatchHook | None = None,
) -> AnkiImportReport:
    """Import the package at `source` (a path, bytes or a binary file) into `pair`. Raises
    `AnkiFormatError` for a package that cannot be read at all; notes that cannot be imported are
    listed in the report's `problems` with their note number.

    `resume_from`: a checkpoint {"done": notes, "report": {...}} saved by `on_batch` in an earlier
    run; those notes are skipped and their report carried on. Batches end at multiples of
    `batch_notes` (default ANKI_IMPORT_BATCH_NOTES), so a resumed run cuts the same batches."""
    now = now or timezone.now()
    size = batch_notes or batch_size()
    done = int((resume_from or {}).get("done") or 0)
    report = AnkiImportReport.from_dict(resume_from["report"]) if done else AnkiImportReport()
    with open_package(source, limits=limits) as package:
        report.format = package.format
        total = package.count_notes()
        ctx = HistoryContext.of(pair=pair, crt=package.crt, now=now)
        notes = _Notes(package, mapping or {})
        batch: list[_Row] = []
        last = done
        for note in package.notes():
            if note.number <= done:
                notes.skip(note)
                continue
            report.notes += 1
            row = notes.row(note, report)
            if row is not None:
                batch.append(row)
            last = note.number
            if last % size == 0:
                _write_batch(package, ctx, batch, report, upto=last, total=total, on_batch=on_batch)
                batch = []
        if last > done and last % size:
            _write_batch(package, ctx, batch, report, upto=last, total=total, on_batch=on_batch)
    if not report.lemma_statuses:  # no note imported: still say whether statuses are stored
        report.add_statuses(lemma_statuses_from_anki(pair=pair, known=set(), ignored=set()))
    return report


def _write_batch(
    package: AnkiPackage,
    ctx: HistoryContext,
    rows: list[_Row],
    report: AnkiImportReport,
    *,
    upto: int,
    total: int,
    on_batch: BatchHook | None,
) -> None:
    """One batch: its cards and reviews read from the package, its audio stored (content-keyed, so
    before the transaction and harmless to repeat), then entries, cards, events, statuses and the
    caller's checkpoint in one transaction."""
    pair = ctx.pair
    if rows:
        existing = set(
            LearnableWordBankEntry.objects.filter(pair=pair, normalized_lemma__in=[r.key for r in rows]).values_list(
                "normalized_lemma", flat=True
            )
        )
        for row in rows:
            row.values["audio"] = (
                _store_audio(package, pair, row, report) if row.sound and row.key not in existing else ""
            )
        by_note = {r.note_id: r for r in rows}
        for card in package.cards_of(list(by_note)):
            by_note[card.note_id].cards.append(card)
        reviews: dict[int, list[Review]] = defaultdict(list)
        for review in package.revlog_of([c.id for r in rows for c in r.cards]):
            if 1 <= review.ease <= 4 and review.type in (0, 1, 2, 3):
                reviews[review.card_id].append(review)
    with transaction.atomic():
        if rows:
            ids, created = entries_insert_rows(
                pair=pair, rows=[{"key": r.key, **r.values} for r in rows], source=EntrySource.ANKI, now=ctx.now
            )
            report.entries_created += len(created)
            report.entries_existing += len(rows) - len(created)
            known, ignored = history_apply(ctx=ctx, rows=rows, ids=ids, reviews=reviews, report=report)
            report.add_statuses(lemma_statuses_from_anki(pair=pair, known=known, ignored=ignored))
        if on_batch is not None:
            on_batch(upto, total, report)
