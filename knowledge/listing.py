"""The learner's every non-new word, one list: explicit marks and the word bank's derived statuses.

A word with a mark is listed with it (the mark wins); a word-bank word without one is listed with
the status its cards give it (`flashcards.selectors.word_bank_statuses`: known once every active
card is mature, else learning) and the source `word_bank`. Ordered by word, then pair, and paged by
keyset on that order (a cursor holds the last word and pair): one query per page — a UNION ALL of
the two parts, each filtered and cut at the cursor before the union — whatever the page or the
size of the vocabulary; no COUNT.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value

from flashcards.selectors import word_bank_statuses
from langlearn.errors import NotFound

from .models import Status, StatusSource, WordStatusMark

WORD_BANK = "word_bank"
COLUMNS = ("r_pair", "r_key", "r_status", "r_source", "r_updated", "r_cards", "r_mature")
LIST_SOURCES = [*StatusSource.choices, (WORD_BANK, "Word bank (the status its cards give it)")]


@dataclass(frozen=True)
class Position:
    key: str
    pair_id: str
    backwards: bool = False

    def encode(self) -> str:
        raw = json.dumps([self.key, self.pair_id, int(self.backwards)], ensure_ascii=False).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> Position:
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            key, pair_id, backwards = json.loads(raw)
            return cls(str(key), str(uuid.UUID(str(pair_id))), bool(backwards))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            # As DRF's cursor pagination answers a cursor it cannot read.
            raise NotFound("Invalid cursor.", code="invalid_cursor") from None


@dataclass(frozen=True)
class StatusRow:
    pair_id: uuid.UUID
    word: str
    status: str
    source: str
    updated_at: datetime
    cards: int | None
    mature_cards: int | None


def _after(position: Position | None, key_field: str) -> Q:
    if position is None:
        return Q()
    if position.backwards:
        return Q(**{f"{key_field}__lt": position.key}) | Q(**{key_field: position.key, "pair_id__lt": position.pair_id})
    return Q(**{f"{key_field}__gt": position.key}) | Q(**{key_field: position.key, "pair_id__gt": position.pair_id})


def _marks(*, user, pair_id, status, source, search, position) -> QuerySet:
    qs = WordStatusMark.objects.filter(_after(position, "key"), user=user)
    if pair_id is not None:
        qs = qs.filter(pair_id=pair_id)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    if search:
        qs = qs.filter(key__startswith=search)
    none = Value(None, output_field=IntegerField())
    qs = qs.order_by().annotate(
        r_pair=F("pair_id"),
        r_key=F("key"),
        r_status=F("status"),
        r_source=F("source"),
        r_updated=F("updated_at"),
        r_cards=none,
        r_mature=none,
    )
    return qs.values_list(*COLUMNS)


def _bank(*, user, pair_id, status, search, position) -> QuerySet:
    marked = WordStatusMark.objects.filter(pair_id=OuterRef("pair_id"), key=OuterRef("normalized_lemma"))
    qs = (
        word_bank_statuses(user=user, pair_id=pair_id, status=status, search=search)
        .filter(_after(position, "normalized_lemma"))
        .filter(~Exists(marked))
        .annotate(
            r_pair=F("pair_id"),
            r_key=F("normalized_lemma"),
            r_status=F("status"),
            r_source=Value(WORD_BANK, output_field=CharField()),
            r_updated=F("entry_updated_at"),
            r_cards=F("cards"),
            r_mature=F("graduated"),
        )
    )
    return qs.values_list(*COLUMNS)


def word_statuses_page(
    *,
    user,
    pair_id=None,
    status: str | None = None,
    source: str | None = None,
    search: str | None = None,
    position: Position | None = None,
    limit: int,
) -> list[StatusRow]:
    """Up to `limit` rows after (or, backwards, before) `position`, in word order. One query."""
    search = " ".join(search.split()).lower() if search else None
    parts = []
    if source in (None, "", WORD_BANK) and status in (None, "", Status.KNOWN, Status.LEARNING):
        parts.append(_bank(user=user, pair_id=pair_id, status=status, search=search, position=position))
    if source != WORD_BANK:
        parts.append(_marks(user=user, pair_id=pair_id, status=status, source=source, search=search, position=position))
    if not parts:
        return []
    ordering = ("-r_key", "-r_pair") if position and position.backwards else ("r_key", "r_pair")
    qs = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    rows = list(qs.order_by(*ordering)[:limit])
    if position and position.backwards:
        rows.reverse()
    return [StatusRow(*row) for row in rows]
