"""The learner's every non-new word, one list: explicit marks and the word bank's derived statuses.

A word with a mark is listed with it (the mark wins); a word-bank word without one is listed with
the status its cards give it (`flashcards.selectors.word_bank_statuses`: known once every active
card is mature, else learning) and the source `word_bank`. Ordered by word, then pair, and paged by
keyset on that order (a cursor holds the last word and pair): one query per page — a UNION ALL of
the two parts, each filtered at the cursor, ordered and cut to the page before the union —
whatever the page or the size of the vocabulary; no COUNT.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value

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


def _after(position: Position | None, key_field: str, *, one_pair: bool) -> Q:
    """The rows past the cursor. Within one pair a plain `key > k` (an index condition on the
    (pair, key) index: the scan starts at the cursor); across pairs the tie on key is broken by
    the pair."""
    if position is None:
        return Q()
    op = "lt" if position.backwards else "gt"
    past = Q(**{f"{key_field}__{op}": position.key})
    if one_pair:
        return past
    return past | Q(**{key_field: position.key, f"pair_id__{op}": position.pair_id})


def _marks(*, user, pair_id, status, source, search, position) -> QuerySet:
    qs = WordStatusMark.objects.filter(_after(position, "key", one_pair=pair_id is not None), user=user)
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
        .filter(_after(position, "normalized_lemma", one_pair=pair_id is not None))
        # A scalar subquery, not NOT EXISTS: PostgreSQL turns NOT EXISTS into an anti-join over all
        # the pair's marks (15,000 after a placement: ~45 ms a page); this one it runs per entry
        # (one index probe) for only the entries the page reads, in key order.
        .annotate(mark=Subquery(marked.values("pk")[:1]))
        .filter(mark__isnull=True)
        .annotate(
            r_pair=F("pair_id"),
            r_key=F("normalized_lemma"),
            r_status=F("status"),
            r_source=Value(WORD_BANK, output_field=CharField()),
            r_updated=F("updated_at"),
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
    # Each part is ordered and cut to the page before the union: the database walks each one's
    # (pair, key) index and stops, instead of merging two whole lists to keep twenty rows.
    parts = [part.order_by(*ordering)[:limit] for part in parts]
    qs = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True).order_by(*ordering)
    rows = list(qs[:limit] if len(parts) > 1 else qs)
    if position and position.backwards:
        rows.reverse()
    return [StatusRow(*row) for row in rows]
