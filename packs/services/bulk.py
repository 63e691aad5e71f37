"""Set-based entry writes. PostgreSQL: rows known to be new (`entry_inserter`) are COPYed straight
into the entries table (psycopg 3 `cursor.copy`), pack by pack as the import plans them; rows that
may overwrite stored entries (`upsert_entries`) are COPYed into a temporary staging table, then
written by one `INSERT ... SELECT ... ON CONFLICT DO UPDATE` per chunk. Row-by-row saves reach ~3%
of COPY's speed and `bulk_create` ~30%; staging + upsert wrote every row twice and checked each for
a conflict (41% of a bare COPY into a table of the same indexes), the straight COPY is that COPY
(bench/packs_import.py). A new row that collides after all (a concurrent import of the same pack)
breaks the unique constraint: the transaction rolls back whole, as with the upsert's own conflicts.
Other backends (SQLite for `make run`) use `bulk_create(update_conflicts=True)`."""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from ..models import ENTRY_CONTENT_FIELDS, WordBankPackEntry

# The order of the tuples `upsert_entries` takes.
COLUMNS = ("pack_id", "position", "text", "normalized_text", *ENTRY_CONTENT_FIELDS[1:], "audio")
UPDATED = COLUMNS[1:3] + COLUMNS[4:]  # everything but the natural key
CHUNK = 100_000  # rows per COPY + upsert; the progress bar moves per chunk

_STAGING = "packs_entry_staging"
_STAGING_DDL = f"""
CREATE TEMPORARY TABLE {_STAGING} (
    pack_id uuid NOT NULL, position integer NOT NULL, text varchar(200) NOT NULL,
    normalized_text varchar(200) NOT NULL, translation varchar(500) NOT NULL,
    part_of_speech varchar(16) NOT NULL, example_sentence text NOT NULL,
    example_translation text NOT NULL, notes text NOT NULL, audio varchar(300) NOT NULL
) ON COMMIT DROP
"""


def upsert_entries(rows: Sequence[tuple], *, progress: Callable[[str, int, int], None] | None = None) -> None:
    """Insert or overwrite entries keyed by (pack_id, normalized_text). Call inside a transaction."""
    if not rows:
        return
    writer = _upsert_postgres if connection.vendor == "postgresql" else _upsert_generic
    for start in range(0, len(rows), CHUNK):
        writer(rows[start : start + CHUNK])
        if progress:
            progress("write", min(start + CHUNK, len(rows)), len(rows))


@contextmanager
def entry_inserter() -> Iterator[Callable[[object, Sequence[Sequence]], None]]:
    """Yield `insert(pack_id, rows)` for entries that are not stored yet (the caller checked their
    (pack_id, normalized_text) against the stored ones, in the same transaction; rows are
    `COLUMNS` after the pack id). On PostgreSQL one COPY stays open for the whole block and each
    call sends its rows at once, so the server checks and indexes one pack while the caller
    validates the next (the COPY was the import's last third when it waited for every pack to be
    planned). Call inside a transaction; the COPY ends with the block."""
    if connection.vendor != "postgresql":
        pending: list[tuple] = []
        yield lambda pack_id, rows: pending.extend((pack_id, *row) for row in rows)
        upsert_entries(pending)
        return
    table = WordBankPackEntry._meta.db_table
    cols = f"id, created_at, updated_at, {', '.join(COLUMNS)}, translation_status, audio_status, job_error"
    tabs_per_line = len(COLUMNS) + 5  # 16 columns: id, both times, COLUMNS, the three statuses
    prefix = _ordered_uuid_prefix()
    now = timezone.now().isoformat()  # text COPY: formatted once, not per row
    numbers = itertools.count()
    # psycopg's own COPY is outside Django's cursor wrapper: map its errors to Django's
    # (a UniqueViolation to IntegrityError, which the importer answers as a Conflict).
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
    ):

        def insert(pack_id, rows: Sequence[Sequence]) -> None:
            if not rows:
                return
            ids = [f"{prefix}{n:012x}" for _, n in zip(rows, numbers, strict=False)]  # rows first: no number lost
            # COPY's text format, a line per row joined in C: a third of psycopg's `write_row`
            # per row. Exact when no cell holds a tab, line break or backslash, which the counts
            # prove; otherwise psycopg escapes the pack's rows one by one.
            head, tab = f"\t{now}\t{now}\t{pack_id}\t", "\t"
            block = "".join([f"{i}{head}{r[0]}\t{tab.join(r[1:])}\t\t\t\n" for i, r in zip(ids, rows, strict=True)])
            if (
                block.count("\t") == tabs_per_line * len(rows)
                and block.count("\n") == len(rows)
                and "\\" not in block
                and "\r" not in block
            ):
                copy.write(block)
            else:
                for i, r in zip(ids, rows, strict=True):
                    copy.write_row((i, now, now, pack_id, *r, "", "", ""))

        yield insert


def _upsert_postgres(rows: Sequence[tuple]) -> None:
    table = WordBankPackEntry._meta.db_table
    cols = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPDATED)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_STAGING}")
        cursor.execute(_STAGING_DDL)
        with cursor.cursor.copy(f"COPY {_STAGING} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"""
            INSERT INTO {table} (id, created_at, updated_at, {cols}, translation_status, audio_status, job_error)
            SELECT (%s || lpad(to_hex(row_number() OVER ()), 12, '0'))::uuid, %s, %s, {cols}, '', '', ''
            FROM {_STAGING}
            ON CONFLICT (pack_id, normalized_text) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at
            """,  # noqa: S608 — identifiers are ours, values are bound
            [_ordered_uuid_prefix(), timezone.now(), timezone.now()],
        )
        cursor.execute(f"DROP TABLE {_STAGING}")


def _ordered_uuid_prefix() -> str:
    """The first 20 hex digits of a UUIDv7 (48-bit milliseconds, version 7, random bits, variant);
    the INSERT appends the row number. Time-ordered keys append to the primary key's b-tree
    instead of touching a random page per row — random uuid4 keys made the insert ~1.5x slower."""
    ms = time.time_ns() // 1_000_000
    rand = secrets.randbits(24)
    return f"{ms:012x}7{rand >> 12:03x}{0x8000 | (rand & 0xFFF):04x}"


def _upsert_generic(rows: Sequence[tuple]) -> None:
    objs = [WordBankPackEntry(**dict(zip(COLUMNS, row, strict=True))) for row in rows]
    WordBankPackEntry.objects.bulk_create(
        objs,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["pack", "normalized_text"],
        update_fields=[*UPDATED, "updated_at"],
    )
