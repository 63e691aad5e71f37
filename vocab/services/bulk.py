"""Adding many ready-made words at once — a pack's 5,000 entries in one tap — set-based.

`entries_copy` takes the rows to add as a queryset of another app's table (already translated,
spoken and keyed), so the words never travel through Python: PostgreSQL inserts them with one
INSERT ... SELECT ... ON CONFLICT (pair, key) DO NOTHING, and their cards follow in one more
statement (`flashcards_create_for_entries`). Other backends (SQLite for `make run`) do the same
with bulk_create."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from flashcards.services import flashcards_create_for_entries

from ..models import LearnableWordBankEntry, UserLanguagePair

# What a copied row carries besides its key: the entry's content, as the source has it.
COPIED_FIELDS = ("text", "part_of_speech", "translation", "example_sentence", "example_translation", "audio")


@dataclass(frozen=True)
class EntriesCopied:
    added: int
    total: int


def entries_copy(
    *, pair: UserLanguagePair, rows: QuerySet, source: str, source_ref: uuid.UUID, now: datetime | None = None
) -> EntriesCopied:
    """Add `rows` to `pair`'s word bank with their cards. `rows` is a `.values()` queryset giving
    `key` (the word-bank key, `vocab.keys.normalize_key`) and every name in `COPIED_FIELDS`, in the
    order the entries should be added. A row whose key the word bank already has is left alone, so
    a second call adds nothing. Call it inside a transaction."""
    now = now or timezone.now()
    copy = _copy_postgres if connection.vendor == "postgresql" else _copy_generic
    added_ids, total = copy(pair=pair, rows=rows, source=source, source_ref=source_ref, now=now)
    flashcards_create_for_entries(pair=pair, entry_ids=added_ids, now=now)
    return EntriesCopied(added=len(added_ids), total=total)


def _copy_postgres(*, pair, rows: QuerySet, source: str, source_ref, now) -> tuple[list[uuid.UUID], int]:
    select, select_params = rows.query.sql_with_params()
    copied = ", ".join(COPIED_FIELDS)
    from_src = ", ".join(f"src.{c}" for c in COPIED_FIELDS)
    sql = f"""
        WITH src AS MATERIALIZED ({select}),
        new AS (
            INSERT INTO {LearnableWordBankEntry._meta.db_table}
                (id, created_at, updated_at, user_id, pair_id, lemma, source, source_ref, normalized_lemma, {copied})
            SELECT gen_random_uuid(), %s, %s, %s, %s, '', %s, %s, src.key, {from_src}
            FROM src
            ON CONFLICT (pair_id, normalized_lemma) DO NOTHING
            RETURNING id
        )
        SELECT (SELECT count(*) FROM src), (SELECT coalesce(array_agg(id), '{{}}') FROM new)
    """  # noqa: S608 — identifiers come from the models; values are bound
    params = [*select_params, now, now, pair.user_id, pair.pk, source, source_ref]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        total, added_ids = cursor.fetchone()
    return list(added_ids), total


def _copy_generic(*, pair, rows: QuerySet, source: str, source_ref, now) -> tuple[list[uuid.UUID], int]:
    # Locking the pair serialises two copies into the same word bank, so the entries we decide to
    # insert are the ones that get inserted (their cards reference them).
    UserLanguagePair.objects.select_for_update().filter(pk=pair.pk).first()
    found = list(rows)
    present = set(
        LearnableWordBankEntry.objects.filter(pair=pair, normalized_lemma__in=[r["key"] for r in found]).values_list(
            "normalized_lemma", flat=True
        )
    )
    new = []
    for r in found:
        if r["key"] in present:
            continue
        present.add(r["key"])  # two rows of one word (a pack's "libro" and "libros"): the first is added
        new.append(
            LearnableWordBankEntry(
                user_id=pair.user_id,
                pair=pair,
                lemma="",
                normalized_lemma=r["key"],
                source=source,
                source_ref=source_ref,
                **{f: r[f] for f in COPIED_FIELDS},
            )
        )
    LearnableWordBankEntry.objects.bulk_create(new, batch_size=2000)
    return [e.pk for e in new], len(found)


# Fields a source (a pack) may still correct in the learners' copies after they were added.
REFRESHABLE_FIELDS = ("translation", "audio")


def entries_refresh_from_source(
    *, source: str, source_ref: uuid.UUID, key: str, field: str, old: str, new: str, dry_run: bool = False
) -> int:
    """A source corrected `field` of the word `key` from `old` to `new`: learners' copies that still
    hold `old` get `new`. A copy the learner changed holds something else and is left alone; a copy
    that never had audio holds "" and gets the new recording. Returns how many copies changed (or,
    with `dry_run`, would change)."""
    if field not in REFRESHABLE_FIELDS:
        raise ValueError(f"{field} is not refreshed from a source")
    if old == new:
        return 0
    copies = LearnableWordBankEntry.objects.filter(
        source=source, source_ref=source_ref, normalized_lemma=key, **{field: old}
    )
    if dry_run:
        return copies.count()
    return copies.update(**{field: new, "updated_at": timezone.now()})


def entries_insert_rows(
    *, pair: UserLanguagePair, rows: list[dict], source: str, now: datetime | None = None
) -> tuple[dict[str, uuid.UUID], set[uuid.UUID]]:
    """Add ready-made words given in Python (an Anki deck's notes) with their cards. Each row has
    `key` and the names in `COPIED_FIELDS`; a key the word bank already has is left alone.
    Returns (key -> entry id for every row's key, the ids created now). Call it inside a transaction."""
    now = now or timezone.now()
    entries = [
        LearnableWordBankEntry(
            user_id=pair.user_id,
            pair=pair,
            normalized_lemma=row["key"],
            source=source,
            **{name: row.get(name, "") for name in COPIED_FIELDS},
        )
        for row in rows
    ]
    LearnableWordBankEntry.objects.bulk_create(entries, ignore_conflicts=True, batch_size=2000)
    keys = [row["key"] for row in rows]
    ids: dict[str, uuid.UUID] = {}
    for start in range(0, len(keys), 10_000):
        ids.update(
            LearnableWordBankEntry.objects.filter(
                pair=pair, normalized_lemma__in=keys[start : start + 10_000]
            ).values_list("normalized_lemma", "id")
        )
    created = {e.pk for e in entries} & set(ids.values())
    flashcards_create_for_entries(pair=pair, entry_ids=list(created), now=now)
    return ids, created
