"""Adding a pack to a learner's word bank: entries (source = pack) and their flashcards, set-based.

PostgreSQL: one statement — INSERT ... SELECT the pack's entries ON CONFLICT (pair, normalised
lemma) DO NOTHING RETURNING the new ids, and in the same statement INSERT their cards. Which cards
a new entry gets (directions, initial FSRS state, due) is decided by
`flashcards_build_for_entries`; we ask it for the cards of one probe entry of this pair and stamp
those onto every new entry (today its cards depend only on the pair and the time; a test checks
both paths agree). 5,000 entries cost the same handful of queries as 10.
Other backends (SQLite for `make run`): the same rules with bulk_create.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from flashcards.models import Flashcard
from flashcards.services import flashcards_build_for_entries
from langlearn.errors import InvalidInput, NotFound
from vocab.models import EntrySource, LearnableWordBankEntry, UserLanguagePair

from ..models import WordBankPack, WordBankPackEntry

COPIED = ("text", "part_of_speech", "translation", "example_sentence", "example_translation", "audio")
CARD_TEMPLATE_FIELDS = ("direction", "state", "step", "stability", "difficulty", "due", "last_review", "suspended")
CARD_TEMPLATE_TYPES = ("varchar", "smallint", "smallint", "float8", "float8", "timestamptz", "timestamptz", "boolean")


@dataclass(frozen=True)
class AddResult:
    added: int
    already_present: int


def pack_add_to_word_bank(*, user, pack_id: UUID, pair_id: UUID) -> AddResult:
    """Copy a published pack's entries (translation, example, audio) into `user`'s word bank for
    `pair`, with flashcards. Entries already in the word bank (same normalised lemma) are left as
    they are; a second call adds nothing. 404 for someone else's pair or an unpublished pack,
    400 when the languages differ."""
    pack = WordBankPack.objects.filter(id=pack_id, published=True).first()
    if pack is None:
        raise NotFound("No such pack.")
    pair = UserLanguagePair.objects.filter(id=pair_id, user=user).first()
    if pair is None:
        raise NotFound("No such language pair.")
    if (pair.source_language, pair.target_language) != (pack.source_language, pack.target_language):
        raise InvalidInput(
            f"This pack is {pack.source_language}→{pack.target_language}; the language pair is "
            f"{pair.source_language}→{pair.target_language}.",
            code="language_mismatch",
        )
    add = _add_postgres if connection.vendor == "postgresql" else _add_generic
    with transaction.atomic():
        added, total = add(pack=pack, pair=pair, now=timezone.now())
    return AddResult(added=added, already_present=total - added)


def _add_postgres(*, pack: WordBankPack, pair: UserLanguagePair, now) -> tuple[int, int]:
    probe = LearnableWordBankEntry(user_id=pair.user_id, pair=pair)
    templates = flashcards_build_for_entries(pair=pair, entries=[probe], now=now)
    entry_table = LearnableWordBankEntry._meta.db_table
    card_table = Flashcard._meta.db_table
    copied = ", ".join(COPIED)
    from_pack = ", ".join(f"e.{c}" for c in COPIED)
    params: list = [now, now, pair.user_id, pair.id, EntrySource.PACK, pack.id]
    sql = f"""
        WITH new AS (
            INSERT INTO {entry_table}
                (id, created_at, updated_at, user_id, pair_id, lemma, source, source_ref, normalized_lemma, {copied})
            SELECT gen_random_uuid(), %s, %s, %s, %s, '', %s, %s, e.normalized_text, {from_pack}
            FROM {WordBankPackEntry._meta.db_table} e
            WHERE e.pack_id = %s
            ORDER BY e.position, e.created_at
            ON CONFLICT (pair_id, normalized_lemma) DO NOTHING
            RETURNING id
        )"""  # noqa: S608 — identifiers are model table names; values are bound
    params.append(pack.id)
    if templates:
        values = ", ".join("(" + ", ".join(f"%s::{t}" for t in CARD_TEMPLATE_TYPES) + ")" for _ in templates)
        params.extend([now, now, pair.user_id, pair.id])  # the SELECT's placeholders come first
        for card in templates:
            params.extend(getattr(card, f) for f in CARD_TEMPLATE_FIELDS)
        fields = ", ".join(CARD_TEMPLATE_FIELDS)
        sql += f""", cards AS (
            INSERT INTO {card_table} (id, created_at, updated_at, user_id, pair_id, entry_id, {fields})
            SELECT gen_random_uuid(), %s, %s, %s, %s, new.id, {", ".join(f"t.{f}" for f in CARD_TEMPLATE_FIELDS)}
            FROM new CROSS JOIN (VALUES {values}) AS t({fields})
            ON CONFLICT DO NOTHING
        )"""  # noqa: S608
    sql += f"""
        SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM {WordBankPackEntry._meta.db_table} WHERE pack_id = %s)
    """  # noqa: S608
    params.append(pack.id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        added, total = cursor.fetchone()
    return added, total


def _add_generic(*, pack: WordBankPack, pair: UserLanguagePair, now) -> tuple[int, int]:
    # Locking the pair serialises two adds to the same word bank, so the entries we decide to
    # insert are the ones that get inserted (their cards reference them).
    UserLanguagePair.objects.select_for_update().filter(id=pair.id).first()
    rows = list(
        WordBankPackEntry.objects.filter(pack=pack)
        .order_by("position", "created_at")
        .values("normalized_text", *COPIED)
    )
    present = set(
        LearnableWordBankEntry.objects.filter(
            pair=pair, normalized_lemma__in=[r["normalized_text"] for r in rows]
        ).values_list("normalized_lemma", flat=True)
    )
    new = [
        LearnableWordBankEntry(
            user_id=pair.user_id,
            pair=pair,
            lemma="",
            normalized_lemma=r.pop("normalized_text"),
            source=EntrySource.PACK,
            source_ref=pack.id,
            **r,
        )
        for r in rows
        if r["normalized_text"] not in present
    ]
    if new:
        LearnableWordBankEntry.objects.bulk_create(new, batch_size=2000)
        Flashcard.objects.bulk_create(
            flashcards_build_for_entries(pair=pair, entries=new, now=now), batch_size=2000, ignore_conflicts=True
        )
    return len(new), len(rows)
