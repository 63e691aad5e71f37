"""Reading Anki packages (`.apkg`, `.colpkg`), both formats:

- legacy: `collection.anki21` (or `collection.anki2`) is a plain SQLite file (schema 11: note types
  and decks as JSON in the `col` row), `media` is a JSON map `{"0": "name.mp3"}`, media stored as is;
- today's default (Anki ≥ 2.1.50): `collection.anki21b` is a zstd-compressed SQLite file (schema 18:
  `notetypes`/`fields`/`decks` tables), `media` is a zstd-compressed protobuf `MediaEntries`, each
  media file is zstd-compressed, and `meta` says version 3. Such packages also hold a placeholder
  `collection.anki2` whose only note says "please update Anki": it is ignored.

Extraction is bounded while streaming: the collection and each media file are copied in chunks and
refused as soon as they pass their cap (`Limits`), so a small zip holding a huge collection costs
at most the cap, not the whole decompression.

Errors are `AnkiFormatError(message, line)`; `line` is the note number (1-based, notes in id
order) for a note's problem and 1 for a problem of the package or collection as a whole.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import zstandard

from . import protobuf

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CHUNK = 1 << 16
MIB = 1024 * 1024
CARD_COLUMNS = "id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, data"
REVLOG_COLUMNS = "id, cid, ease, ivl, lastIvl, factor, time, type"


class AnkiFormatError(Exception):
    def __init__(self, message: str, *, line: int | None = 1, code: str = "invalid_package"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.code = code


@dataclass(frozen=True)
class Limits:
    collection_bytes: int = 512 * MIB  # the decompressed SQLite collection
    media_file_bytes: int = 32 * MIB  # one decompressed media file
    media_map_bytes: int = 16 * MIB  # the decompressed media map
    # A real collection compresses 3-20x; zeros 1000x. Past `ratio` times its compressed size (and
    # past `ratio_floor`) a collection is refused too, so a 1 MiB bomb stops after ~100 MiB.
    ratio: int = 100
    ratio_floor: int = 64 * MIB

    def collection_cap(self, compressed: int) -> int:
        return min(self.collection_bytes, max(self.ratio_floor, self.ratio * compressed))


@dataclass(frozen=True)
class Model:
    id: int
    name: str
    fields: list[str]


@dataclass(frozen=True)
class Deck:
    id: int
    name: str  # "Parent::Child"
    description: str


@dataclass(slots=True)
class Note:
    number: int  # 1-based, notes in id order: the "line" of reports
    id: int
    guid: str
    model_id: int
    fields: list[str]
    tags: list[str]


@dataclass(slots=True)
class Card:
    id: int
    note_id: int
    deck_id: int
    ord: int
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int  # -1 suspended, -2/-3 buried, 0 new, 1/3 learning, 2 review
    due: int
    ivl: int  # days (negative: seconds, learning)
    factor: int  # ease ‰ (2500 = 250 %)
    reps: int
    lapses: int
    data: str = ""


@dataclass(slots=True)
class Review:
    id: int  # epoch milliseconds of the review
    card_id: int
    ease: int  # 1 again, 2 hard, 3 good, 4 easy (0: manual reschedule)
    ivl: int
    last_ivl: int
    factor: int
    time: int  # milliseconds spent
    type: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass
class AnkiPackage:
    """An opened package: note types and decks loaded, notes/cards/revlog streamed from SQLite."""

    archive: zipfile.ZipFile
    tmpdir: str
    conn: sqlite3.Connection
    format: str  # "anki21b" | "anki21" | "anki2"
    limits: Limits
    media_compressed: bool
    media: dict[str, str] = field(default_factory=dict)  # name -> zip member
    models: dict[int, Model] = field(default_factory=dict)
    decks: dict[int, Deck] = field(default_factory=dict)
    crt: int = 0  # the collection's creation (epoch seconds): review cards' `due` counts days from it

    def __enter__(self) -> AnkiPackage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()
        self.archive.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def _rows(self, sql: str, params: list | tuple = ()) -> Iterator[tuple]:
        try:
            yield from self.conn.execute(sql, params)
        except sqlite3.DatabaseError as exc:
            raise AnkiFormatError(f"unreadable Anki collection ({exc})") from None

    def notes(self) -> Iterator[Note]:
        rows = self._rows("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
        for number, (nid, guid, mid, tags, flds) in enumerate(rows, start=1):
            if not isinstance(mid, int) or not isinstance(flds, str):
                raise AnkiFormatError("note with a non-integer note type or non-text fields", line=number)
            yield Note(number, nid, str(guid), mid, flds.split("\x1f"), str(tags or "").split())

    def count_notes(self) -> int:
        return next(self._rows("SELECT count(*) FROM notes"))[0]

    def cards(self) -> Iterator[Card]:
        for row in self._rows(
            "SELECT id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses, data FROM cards ORDER BY nid, ord"
        ):
            yield Card(*row[:11], data=str(row[11] or ""))

    def cards_of(self, note_ids: list[int]) -> Iterator[Card]:
        """The cards of these notes (Anki indexes `cards.nid`): a batch's cards, not the deck's."""
        for chunk in _chunks(note_ids):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {CARD_COLUMNS} FROM cards WHERE nid IN ({marks}) ORDER BY nid, ord"  # noqa: S608
            for row in self._rows(sql, chunk):
                yield Card(*row[:11], data=str(row[11] or ""))

    def revlog_of(self, card_ids: list[int]) -> Iterator[Review]:
        """The reviews of these cards, oldest first per card (Anki indexes `revlog.cid`)."""
        for chunk in _chunks(card_ids):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT {REVLOG_COLUMNS} FROM revlog WHERE cid IN ({marks}) ORDER BY cid, id"  # noqa: S608
            yield from (Review(*row) for row in self._rows(sql, chunk))

    def revlog(self) -> Iterator[Review]:
        for row in self._rows("SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY cid, id"):
            yield Review(*row)

    def read_media(self, name: str) -> bytes | None:
        """The media file's bytes, or None when the package does not hold it."""
        member = self.media.get(name)
        if member is None:
            return None
        try:
            with self.archive.open(member) as raw:
                if self.media_compressed:
                    with zstandard.ZstdDecompressor().stream_reader(raw) as reader:
                        return _read_bounded(reader, self.limits.media_file_bytes, f"media file {name!r}")
                return _read_bounded(raw, self.limits.media_file_bytes, f"media file {name!r}")
        except KeyError:
            return None
        except (zipfile.BadZipFile, zstandard.ZstdError, OSError) as exc:
            raise AnkiFormatError(f"media file {name!r} is damaged ({exc})") from None


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """SQLite caps the number of `?` in one statement (999 before 3.32): ask in chunks."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _read_bounded(reader, cap: int, what: str) -> bytes:
    chunks, total = [], 0
    while chunk := reader.read(CHUNK):
        total += len(chunk)
        if total > cap:
            raise AnkiFormatError(f"{what} is larger than {cap // MIB} MiB once decompressed", code="too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _copy_bounded(reader, out, cap: int, what: str) -> None:
    total = 0
    while chunk := reader.read(CHUNK):
        total += len(chunk)
        if total > cap:
            raise AnkiFormatError(f"{what} is larger than {cap // MIB} MiB once decompressed", code="too_large")
        out.write(chunk)


def open_package(source, *, limits: Limits | None = None) -> AnkiPackage:
    """`source`: bytes, a path or a binary file object. Use as a context manager."""
    limits = limits or Limits()
    if isinstance(source, bytes | bytearray):
        import io

        source = io.BytesIO(source)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise AnkiFormatError("not an Anki package (not a zip file)") from None
    tmpdir = tempfile.mkdtemp(prefix="anki-")
    try:
        return _open(archive, tmpdir, limits)
    except BaseException:
        archive.close()
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise


def _open(archive: zipfile.ZipFile, tmpdir: str, limits: Limits) -> AnkiPackage:
    names = set(archive.namelist())
    fmt = next((f for f in ("anki21b", "anki21", "anki2") if f"collection.{f}" in names), None)
    if fmt is None:
        raise AnkiFormatError("not an Anki package (no collection database)")
    member = f"collection.{fmt}"
    path = os.path.join(tmpdir, "collection.sqlite")
    # zipfile reads at most the member's compress_size bytes, so the ratio cap cannot be lied around.
    cap = limits.collection_cap(archive.getinfo(member).compress_size)
    try:
        with archive.open(member) as raw, open(path, "wb") as out:
            if fmt == "anki21b":
                with zstandard.ZstdDecompressor().stream_reader(raw) as reader:
                    _copy_bounded(reader, out, cap, "the collection")
            else:
                _copy_bounded(raw, out, cap, "the collection")
    except (zipfile.BadZipFile, zstandard.ZstdError, OSError, EOFError) as exc:
        raise AnkiFormatError(f"the collection is damaged ({exc})") from None
    version = 0
    if "meta" in names:
        try:
            version = protobuf.first(archive.read("meta"), 1, 0)
        except protobuf.ProtobufError:
            raise AnkiFormatError("the package's `meta` is not Anki package metadata") from None
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    package = AnkiPackage(archive, tmpdir, conn, fmt, limits, media_compressed=fmt == "anki21b" or version >= 3)
    try:
        package.media = _media_map(archive, names, limits)
        package.models, package.decks = _schema(conn)
        crt = conn.execute("SELECT crt FROM col").fetchone()[0]
        package.crt = crt if isinstance(crt, int) else 0
    except BaseException:
        conn.close()
        raise
    return package


def _media_map(archive: zipfile.ZipFile, names: set[str], limits: Limits) -> dict[str, str]:
    if "media" not in names:
        return {}
    with archive.open("media") as raw:
        head = raw.read(4)
    with archive.open("media") as raw:
        if head == ZSTD_MAGIC:
            try:
                with zstandard.ZstdDecompressor().stream_reader(raw) as reader:
                    data = _read_bounded(reader, limits.media_map_bytes, "the media map")
            except zstandard.ZstdError as exc:
                raise AnkiFormatError(f"the media map is damaged ({exc})") from None
            return _media_entries(data)
        data = _read_bounded(raw, limits.media_map_bytes, "the media map")
    if not data.strip():
        return {}
    try:
        index = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise AnkiFormatError("the package's `media` file is not JSON (nor Anki's newer media map)") from None
    if not isinstance(index, dict) or not all(isinstance(v, str) for v in index.values()):
        raise AnkiFormatError('the package\'s `media` file must map numbers to file names: {"0": "a.mp3"}')
    return {name: str(number) for number, name in index.items()}


def _media_entries(data: bytes) -> dict[str, str]:
    """MediaEntries { repeated MediaEntry entries = 1 }; MediaEntry { string name = 1; uint32 size = 2;
    bytes sha1 = 3; optional uint32 legacy_zip_filename = 255 }. The zip member is the entry's index."""
    media = {}
    try:
        index = 0
        for number, entry in protobuf.fields(data):
            if number != 1 or not isinstance(entry, bytes):
                continue
            name, member = None, str(index)
            for n, value in protobuf.fields(entry):
                if n == 1 and isinstance(value, bytes):
                    name = value.decode("utf-8")
                elif n == 255 and isinstance(value, int):
                    member = str(value)
            if name:
                media[name] = member
            index += 1
    except (protobuf.ProtobufError, UnicodeDecodeError):
        raise AnkiFormatError("the package's media map is damaged") from None
    return media


def _tables(conn: sqlite3.Connection) -> set[str]:
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise AnkiFormatError(f"unreadable Anki collection ({exc})") from None


def _schema(conn: sqlite3.Connection) -> tuple[dict[int, Model], dict[int, Deck]]:
    tables = _tables(conn)
    missing = {"col", "notes", "cards"} - tables
    if missing:
        raise AnkiFormatError(f"not an Anki collection (no {', '.join(sorted(missing))} table)")
    try:
        row = conn.execute("SELECT ver, models, decks FROM col").fetchone()
        if row is None:
            raise AnkiFormatError("the collection's `col` table is empty")
        ver, models_json, decks_json = row
        if isinstance(ver, int) and ver >= 15 and {"notetypes", "fields", "decks"} <= tables:
            return _schema_18(conn)
    except sqlite3.DatabaseError as exc:
        raise AnkiFormatError(f"unreadable Anki collection ({exc})") from None
    return _schema_11(models_json, decks_json)


def _json_object(value, what: str) -> dict:
    if value is None:
        raise AnkiFormatError(f"the collection's {what} are missing (NULL)")
    try:
        data = json.loads(value)
    except (json.JSONDecodeError, TypeError, UnicodeDecodeError):
        raise AnkiFormatError(f"the collection's {what} are not JSON") from None
    if not isinstance(data, dict):
        raise AnkiFormatError(f"the collection's {what} must be a JSON object keyed by id")
    out = {}
    for key, item in data.items():
        try:
            number = int(key)
        except ValueError:
            raise AnkiFormatError(f"the collection's {what} have a non-integer id {key!r}") from None
        if not isinstance(item, dict):
            raise AnkiFormatError(f"the collection's {what[:-1]} {key} is not a JSON object")
        out[number] = item
    return out


def _schema_11(models_json, decks_json) -> tuple[dict[int, Model], dict[int, Deck]]:
    models = {}
    for mid, model in _json_object(models_json, "note types").items():
        flds = model.get("flds")
        if not isinstance(flds, list) or not flds or not all(isinstance(f, dict) and "name" in f for f in flds):
            raise AnkiFormatError(f"note type {mid} ({model.get('name', '?')!s}) has no fields (`flds`)")
        ordered = sorted(enumerate(flds), key=lambda p: p[1]["ord"] if isinstance(p[1].get("ord"), int) else p[0])
        models[mid] = Model(mid, str(model.get("name", "")), [str(f["name"]) for _, f in ordered])
    decks = {}
    for did, deck in _json_object(decks_json, "decks").items():
        decks[did] = Deck(did, str(deck.get("name", "")), str(deck.get("desc", "") or ""))
    return models, decks


def _schema_18(conn: sqlite3.Connection) -> tuple[dict[int, Model], dict[int, Deck]]:
    models: dict[int, Model] = {}
    names = dict(conn.execute("SELECT id, name FROM notetypes"))
    by_type: dict[int, list[str]] = {}
    for ntid, name in conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        by_type.setdefault(ntid, []).append(str(name))
    for ntid, name in names.items():
        if not by_type.get(ntid):
            raise AnkiFormatError(f"note type {ntid} ({name}) has no fields")
        models[ntid] = Model(ntid, str(name), by_type[ntid])
    decks = {}
    for did, name, kind in conn.execute("SELECT id, name, kind FROM decks"):
        description = ""
        try:
            normal = protobuf.first(kind or b"", 1)
            if isinstance(normal, bytes):
                value = protobuf.first(normal, 4, b"")
                description = value.decode("utf-8") if isinstance(value, bytes) else ""
        except (protobuf.ProtobufError, UnicodeDecodeError):
            description = ""
        decks[did] = Deck(did, str(name).replace("\x1f", "::"), description)
    return models, decks
