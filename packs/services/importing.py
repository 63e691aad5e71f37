"""`packs_import`: the one import used by `import_packs`, the admin import page and the staff API.

Natural keys: a pack by slug, an entry by (pack, normalised text). Every row is validated before
anything is written; a pack with any bad row is not written at all (other packs are). Rows are
classified against what is stored (create / update / unchanged / skip), so a rerun of the same file
changes nothing, and only rows that change are written — set-based (see `packs.services.bulk`).
"""

from __future__ import annotations

import csv
import gc
import operator
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from langlearn import storage
from langlearn.errors import Conflict
from langlearn.parsers import find_forbidden_text

from ..models import WordBankPack, WordBankPackEntry
from . import bulk
from .formats import ENTRY_FIELDS, FormatError, RawPack, read_csv, read_json
from .report import ImportReport, LineError, PackReport, RowOutcome
from .validation import validate_meta, validate_rows

COUNTERS = {"create": "created", "update": "updated", "unchanged": "unchanged", "skip": "skipped"}

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@dataclass(frozen=True)
class ImportSource:
    name: str
    data: bytes

    @property
    def kind(self) -> str:
        return os.path.splitext(self.name)[1].lower().lstrip(".")


def read_source(source: ImportSource, *, defaults: dict | None = None) -> list[RawPack]:
    """Parse one file into packs; a pack's rows may be built only when it is `load`ed."""
    try:
        return _read_source(source, defaults=defaults)
    except csv.Error as exc:
        raise FormatError(f"unreadable CSV: {exc}") from None
    except RecursionError:
        raise FormatError("the document is nested too deeply") from None


def loaded(pack: RawPack) -> RawPack:
    """The pack with its rows built, and what no parser guards against refused for every format
    (issue 19: each was a 500): text PostgreSQL cannot store (NUL, lone surrogates) — that row is
    rejected. (A CSV cell over the csv module's field limit and JSON nested past the recursion
    limit are refused by `read_source`.)"""
    pack.load()
    bad = find_forbidden_text(list(pack.meta.values()))
    if bad is not None:
        pack.errors.append((pack.line, "the pack's fields contain NUL or lone surrogate characters"))
    if _all_text_clean(pack.rows):  # the usual file: one scan of the pack, not one per row
        return pack
    kept = []
    for row in pack.rows:
        if find_forbidden_text(list(row.values.values())) is not None:
            pack.errors.append((row.line, "the row contains NUL or lone surrogate characters"))
        else:
            kept.append(row)
    pack.rows = kept
    return pack


def _all_text_clean(rows: list) -> bool:
    """True when no row holds NUL or a lone surrogate: one regex scan over the pack's cells joined,
    instead of a document walk per row (a fifth of a 100,000-row import's Python time). Rows with
    other than strings (nested JSON values) are left to the per-row walk."""
    try:
        joined = "\n".join([v for row in rows for v in row.values.values()])
    except TypeError:  # a value that is not a string
        return False
    return find_forbidden_text(joined) is None


def _read_source(source: ImportSource, *, defaults: dict | None = None) -> list[RawPack]:
    if source.kind == "csv":
        return read_csv(source.data, file=source.name)
    if source.kind == "json":
        return read_json(source.data, file=source.name)
    if source.kind == "apkg":
        from .anki import read_apkg

        return read_apkg(source.data, file=source.name, defaults=defaults or {})
    raise FormatError("unknown file type; use .csv, .json or .apkg")


class EntryRow(NamedTuple):
    """One entry to write: `bulk.COLUMNS` after the pack id (known once the pack is saved)."""

    position: int
    text: str
    normalized_text: str
    translation: str
    part_of_speech: str
    example_sentence: str
    example_translation: str
    notes: str
    audio: str

    @classmethod
    def of(cls, *, position: int, key: str, values: dict) -> EntryRow:
        # One dict merge and one itemgetter instead of a .get() per field: run once per row.
        return cls(position, values["text"], key, *_ENTRY_REST({**_BLANK_ENTRY, **values}))


_BLANK_ENTRY = dict.fromkeys(ENTRY_FIELDS[1:], "")
_ENTRY_REST = operator.itemgetter(*ENTRY_FIELDS[1:])


@dataclass
class _Planned:
    report: PackReport
    pack: WordBankPack
    is_new: bool
    pack_changed: bool
    rows: list[EntryRow]
    media: list[tuple[str, bytes]]
    rows_in_file: int = 0  # for progress: the pack's rows in the file, good or bad


def _plan_pack(
    raw: RawPack,
    *,
    existing: WordBankPack | None,
    stored: dict[str, dict],
    into_pack: WordBankPack | None,
    update: bool,
    publish: bool,
    user,
    keep_rows: bool,
    now,
) -> _Planned:
    """Validate one pack of a file and classify its rows against what is stored; writes nothing."""
    slug = raw.slug or (into_pack.slug if into_pack else "")
    report = PackReport(
        slug=slug, title=str(raw.meta.get("title") or (existing.title if existing else "")), file=raw.file
    )

    def err(line: int | None, message: str) -> None:
        report.errors.append(LineError(raw.file, line, message))

    meta, good = _check_pack(raw, slug=slug, existing=existing, into_pack=into_pack, err=err)
    pack = existing or WordBankPack(slug=slug, created_by=user if getattr(user, "pk", None) else None)
    if existing is None or update:
        _apply_meta(pack, meta, report=report)
    if publish and not pack.published:
        pack.published, pack.published_at = True, now
        report.changes.append("published")
    pack_changed = bool(report.changes) and existing is not None
    report.title = pack.title
    rows, media = _plan_entries(raw, good, slug=slug, stored=stored, update=update, keep_rows=keep_rows, report=report)

    if report.errors:
        _reject(report, raw, keep_rows=keep_rows)
        return _Planned(report, pack, existing is None, False, [], [])
    report.action = "create" if existing is None else ("update" if pack_changed or rows else "unchanged")
    return _Planned(report, pack, existing is None, pack_changed, rows, media)


def _plans(
    raws: list[RawPack],
    *,
    existing: dict[str, WordBankPack],
    stored: dict[str, dict[str, dict]],
    **options,
) -> Iterator[_Planned]:
    """Plan each pack in file order, lazily (the caller writes one while the next is planned); a
    second pack with the same slug is rejected (one file per pack). `options`: `_plan_pack`'s."""
    seen_slugs: dict[str, str] = {}
    for raw in raws:
        slug = raw.slug or ""
        size = raw.size
        plan = _plan_pack(loaded(raw), existing=existing.get(slug), stored=stored.get(slug, {}), **options)
        if raw.slug in seen_slugs and not plan.report.errors:
            plan.report.errors.append(
                LineError(raw.file, raw.line, f"pack {raw.slug!r} is also in {seen_slugs[raw.slug]}; one file per pack")
            )
            plan = _Planned(plan.report, plan.pack, plan.is_new, False, [], [])
            plan.report.action, plan.report.rejected = "reject", 1
        seen_slugs.setdefault(slug, raw.file)
        plan.rows_in_file = size
        yield plan


def _check_pack(raw: RawPack, *, slug: str, existing, into_pack, err) -> tuple[dict, list[tuple]]:
    """The file's own errors, the slug, the pack fields and every row: (valid meta, valid rows)."""
    for line, message in raw.errors:
        err(line, message)
    if not slug:
        err(raw.line, "no pack_slug: add the column or choose the pack to import into")
    elif slug != slugify(slug):
        err(raw.line, f"pack_slug {slug!r} is not a slug (lower-case letters, digits, hyphens)")
    elif into_pack is not None and slug != into_pack.slug:
        err(raw.line, f"rows belong to pack {slug!r}, but the import is into {into_pack.slug!r}")
    meta = validate_meta(raw, existing, err)
    good = validate_rows(raw, err)
    if not raw.rows and not raw.errors and existing is None and not meta.get("title"):
        err(raw.line, "the pack has no entries")
    return meta, good


def _apply_meta(pack: WordBankPack, meta: dict, *, report: PackReport) -> None:
    for name in ("title", "description", "source_language", "target_language", "level", "tags"):
        if name in meta and getattr(pack, name) != meta[name]:
            setattr(pack, name, meta[name])
            report.changes.append(name)


def _plan_entries(
    raw: RawPack, good: list[tuple], *, slug: str, stored: dict[str, dict], update: bool, keep_rows: bool, report
) -> tuple[list[EntryRow], list[tuple[str, bytes]]]:
    """Each valid row: create, update, unchanged or skip (a differing row without `update`), and the
    rows to write with the media they carry (apkg)."""
    rows: list[EntryRow] = []
    media: list[tuple[str, bytes]] = []
    media_by_line = {r.line: r for r in raw.rows if r.media is not None}
    # New entries go after the stored ones, in file order (an explicit position column wins);
    # without a position column, stored entries keep theirs (an editor may have reordered them).
    after = max((e["position"] for e in stored.values()), default=0)
    counts = dict.fromkeys(COUNTERS, 0)
    for line, key, values, given_position, index in good:
        if line in media_by_line:
            r = media_by_line[line]
            # An exported package names media `<slug>-<file>`: strip it so the key round-trips.
            values["audio"] = f"packs/{slug}/audio/{r.media_name.removeprefix(f'{slug}-')}"
            media.append((values["audio"], r.media))
        current = stored.get(key)
        if current is None:
            position = given_position if given_position is not None else after + index
            rows.append(EntryRow.of(position=position, key=key, values=values))
            action, reason = "create", ""
        else:
            full = {**current, **{k: v for k, v in values.items() if k in ENTRY_FIELDS}}
            if given_position is not None:
                full["position"] = given_position
            changed = [n for n in (*ENTRY_FIELDS, "position") if full[n] != current[n]]
            if not changed:
                action, reason = "unchanged", ""
            elif update:
                action, reason = "update", "changes " + ", ".join(changed)
                rows.append(EntryRow.of(position=full["position"], key=key, values=full))
            else:
                action, reason = "skip", "differs (" + ", ".join(changed) + "); use update to change it"
        counts[action] += 1
        if keep_rows:
            report.rows.append(RowOutcome(line, values["text"], action, reason))
    for action, counter in COUNTERS.items():
        setattr(report, counter, counts[action])
    return rows, media


def _reject(report: PackReport, raw: RawPack, *, keep_rows: bool) -> None:
    """A pack with any error is not written at all: every row is reported rejected."""
    report.action = "reject"
    report.rejected = len({e.line for e in report.errors})
    report.created = report.updated = report.unchanged = report.skipped = 0
    if keep_rows:
        bad_lines = {e.line: e.message for e in report.errors}
        report.rows = [
            RowOutcome(r.line, r.values.get("text", ""), "reject", bad_lines.get(r.line, "pack rejected"))
            for r in raw.rows
        ]


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while an import runs: a 100,000-row file makes ~10^6
    short-lived lists, dicts and tuples and no cycles, and the full collections they trigger
    walk the whole heap — 0.1-0.25 s of a 1.4 s import (bench/packs_import.py). Reference
    counting still frees every one of them; the collector runs again on the way out."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_cyclic_gc_paused()
def packs_import(
    *,
    sources: list[ImportSource],
    dry_run: bool = False,
    update: bool = False,
    publish: bool = False,
    into_pack: WordBankPack | None = None,
    defaults: dict | None = None,
    user=None,
    keep_rows: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import pack files. `into_pack`: rows without a pack_slug go to this pack. `defaults`: pack
    fields for formats that cannot carry them (apkg from elsewhere: source/target language)."""
    report = ImportReport(dry_run=dry_run)
    raws: list[RawPack] = []
    for source in sources:
        try:
            raws.extend(read_source(source, defaults=defaults))
        except FormatError as exc:
            report.file_errors.append(LineError(source.name, exc.line, exc.message))
    if into_pack is not None:
        for raw in raws:
            if raw.slug is None:
                raw.slug = into_pack.slug
    slugs = {r.slug for r in raws if r.slug}
    existing = {p.slug: p for p in WordBankPack.objects.filter(slug__in=slugs)}
    stored: dict[str, dict[str, dict]] = {slug: {} for slug in slugs}
    if existing:
        by_id = {p.id: p.slug for p in existing.values()}
        for values in WordBankPackEntry.objects.filter(pack_id__in=by_id).values(
            "pack_id", "normalized_text", "position", *ENTRY_FIELDS
        ):
            stored[by_id[values.pop("pack_id")]][values.pop("normalized_text")] = values

    now = timezone.now()
    total = sum(r.size for r in raws)
    plans = _plans(
        raws,
        existing=existing,
        stored=stored,
        into_pack=into_pack,
        update=update,
        publish=publish,
        user=user,
        keep_rows=keep_rows,
        now=now,
    )
    done = 0

    def reported(plan: _Planned) -> bool:
        """Account for a planned pack; True when it is to be written."""
        nonlocal done
        report.packs.append(plan.report)
        done += plan.rows_in_file
        if progress:
            progress("check" if dry_run else "import", done, total)
        return plan.report.action != "reject"

    if dry_run or not raws:
        for plan in plans:
            reported(plan)
        return report
    good: list[_Planned] = []
    updates: list[tuple] = []
    try:
        with transaction.atomic():
            # Each valid pack's new rows go out as soon as it is planned (one COPY, `bulk.entry_inserter`);
            # the entries' foreign key to their pack is checked at commit, so new packs are
            # inserted after. Rows that overwrite stored entries need the upsert, after the COPY.
            # `stored` was read before the transaction: an entry added since by someone else
            # breaks the unique constraint, and nothing is written (Conflict).
            with bulk.entry_inserter() as insert:
                for plan in plans:
                    if not reported(plan):
                        continue
                    good.append(plan)
                    # Media before the rows that name them; storage keys are derived from the pack
                    # and file name, so a failed import leaves objects the next run overwrites.
                    for key, data in plan.media:
                        storage.save_bytes(
                            key, data, content_type="audio/mpeg" if key.endswith(".mp3") else "audio/wav"
                        )
                    known = stored.get(plan.pack.slug, {})
                    pack_id = plan.pack.id
                    if known:
                        updates.extend((pack_id, *row) for row in plan.rows if row.normalized_text in known)
                        insert(pack_id, [row for row in plan.rows if row.normalized_text not in known])
                    else:
                        insert(pack_id, plan.rows)
            WordBankPack.objects.bulk_create([p.pack for p in good if p.is_new])
            for plan in good:
                if plan.pack_changed:
                    plan.pack.save()
            bulk.upsert_entries(updates)
    except IntegrityError:
        # Only a concurrent import (or edit) of the same packs gets here: everything was validated.
        raise Conflict(
            "Another import or edit changed these packs at the same time; nothing was written. Run it again."
        )
    for plan in good:
        plan.report.pack_id = str(plan.pack.id)
    return report
