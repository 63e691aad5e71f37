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

from django.db.models import CharField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, UUIDField, Value

from flashcards.selectors import word_bank_statuses
from langlearn.errors import NotFound

from .models import Status, StatusSource, WordStatusMark

WORD_BANK = "word_bank"
# The columns both parts give, in this order (the UNION ALL matches them by position), then
# `r_marked` (a word-bank row a mark overrides) and `r_part` (which part a row came from).
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
        r_marked=Value(None, output_field=UUIDField()),
    )
    return qs


def _bank(*, user, pair_id, status, search, position) -> QuerySet:
    marked = WordStatusMark.objects.filter(pair_id=OuterRef("pair_id"), key=OuterRef("normalized_lemma"))
    qs = (
        word_bank_statuses(user=user, pair_id=pair_id, status=status, search=search)
        .filter(_after(position, "normalized_lemma", one_pair=pair_id is not None))
        .annotate(
            r_pair=F("pair_id"),
            r_key=F("normalized_lemma"),
            r_status=F("status"),
            r_source=Value(WORD_BANK, output_field=CharField()),
            r_updated=F("updated_at"),
            r_cards=F("cards"),
            r_mature=F("graduated"),
            # The mark overriding the entry, if any: read in the SELECT list, so only for the rows
            # the page reads. (Filtering NOT EXISTS made PostgreSQL anti-join the pair's every mark,
            # 15,000 after a placement, and sort the word bank: ~45-70 ms a page; an EXISTS here it
            # ran as one hashed pass over every mark. A scalar subquery is one index probe a row.)
            r_marked=Subquery(marked.values("pk")[:1]),
        )
    )
    return qs


@dataclass(frozen=True)
class Page:
    rows: list[StatusRow]  # in word order
    more: bool  # rows remain in the direction read
    resume: Position | None  # where to go on reading in that direction


def word_statuses_page(
    *,
    user,
    pair_id=None,
    status: str | None = None,
    source: str | None = None,
    search: str | None = None,
    position: Position | None = None,
    size: int,
) -> Page:
    """Up to `size` rows after (or, backwards, before) `position`. One query: each part — the
    marks, the word bank — ordered and cut to size + 1 rows (the database walks its (pair, key)
    index and stops), merged by a UNION ALL in the same order.

    Word-bank rows whose word has a mark are skipped: the marks part lists them (when the mark
    passes the filters). Skipping can leave a part's rows short of the page, so the page ends at
    the first part's last row when that part had more (every row before it, of every part, has
    been read); `resume` is then the last row read, listed or skipped."""
    search = " ".join(search.split()).lower() if search else None
    backwards = bool(position and position.backwards)
    parts = []
    # Marks first: a word's mark sorts before its word-bank row, so a page never ends between the
    # two (a cursor at the word-bank row would skip the mark).
    if source != WORD_BANK:
        parts.append(_marks(user=user, pair_id=pair_id, status=status, source=source, search=search, position=position))
    if source in (None, "", WORD_BANK) and status in (None, "", Status.KNOWN, Status.LEARNING):
        parts.append(_bank(user=user, pair_id=pair_id, status=status, search=search, position=position))
    if not parts:
        return Page(rows=[], more=False, resume=None)
    parts = [part.annotate(r_part=Value(i)).values_list(*COLUMNS, "r_marked", "r_part") for i, part in enumerate(parts)]
    ordering = ("-r_key", "-r_pair", "r_part") if backwards else ("r_key", "r_pair", "r_part")
    cut = [part.order_by(*ordering)[: size + 1] for part in parts]
    qs = cut[0] if len(cut) == 1 else cut[0].union(*cut[1:], all=True).order_by(*ordering)
    fetched = list(qs)
    total = [sum(row[-1] == i for row in fetched) for i in range(len(parts))]
    seen = [0] * len(parts)
    rows: list[StatusRow] = []
    resume, more = None, False
    for *values, mark, part in fetched:
        is_marked = mark is not None
        if not is_marked and len(rows) == size:
            more = True
            break
        seen[part] += 1
        resume = Position(values[1], str(values[0]), backwards)
        if not is_marked:
            rows.append(StatusRow(*values))
        if total[part] == size + 1 and seen[part] == size + 1:
            more = True  # this part has rows past here that were not fetched
            break
    if backwards:
        rows.reverse()
    return Page(rows=rows, more=more, resume=resume)
