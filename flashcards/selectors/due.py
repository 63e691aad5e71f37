"""The due queue and what each rating would do — what the review screen shows.

Lean on purpose: the queue is read on every review session, so it is built from `.values_list()`
rows (card columns plus the entry's, one join) into plain dicts, with no model instances or
serializer per card. Two queries whatever the limit: the pair with today's new-card count
(`pair_for_due_queue`), then the cards (one UNION ALL of the studied and the new cards)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from fsrs import Rating as FsrsRating

from langlearn import storage
from langlearn.compiled import Placeholders, compiled_query
from langlearn.errors import NotFound
from vocab.models import UserLanguagePair

from ..models import Direction, Flashcard, FlashcardEvent
from ..scheduling import scheduler_for_pair, to_fsrs

MAX_DUE_LIMIT = 100
# Due counts stop here: screens show "1000+" (the answer's `due_capped`) beyond. An exact count of a
# million-card learner's quarter million due cards is a range scan that grows with the history (and a
# counter kept on review cannot know what time alone made due), for a figure no learner acts on.
DUE_COUNT_CAP = 1000
STATE_NAMES = {1: "learning", 2: "review", 3: "relearning"}
_COLUMNS = (
    "id",
    "entry_id",
    "direction",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "entry__text",
    "entry__lemma",
    "entry__part_of_speech",
    "entry__translation",
    "entry__example_sentence",
    "entry__example_translation",
    "entry__audio",
)


def learner_day_start(user, now: datetime) -> datetime:
    """Midnight today in the learner's time zone (Account.time_zone, default UTC)."""
    local = now.astimezone(user.zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _introduced_since(*, user: Any, pair: Any, day_start: datetime) -> QuerySet[FlashcardEvent]:
    """First reviews (state_before had no review) of the pair's cards since `day_start`."""
    return FlashcardEvent.objects.filter(
        user=user, card__pair=pair, reviewed_at__gte=day_start, state_before__last_review=None
    )


def new_cards_introduced_today(*, user, pair: UserLanguagePair, now: datetime) -> int:
    """Cards of `pair` whose first review happened today, in the learner's time zone."""
    return _introduced_since(user=user, pair=pair, day_start=learner_day_start(user, now)).count()


_PAIR_FIELDS = tuple(f.attname for f in UserLanguagePair._meta.concrete_fields)


def _pair_query(p: Placeholders) -> QuerySet:
    # The count names the pair by its id, not by `OuterRef`: tied to the outer row, the planner
    # costs it for the table-wide average pair and, for a learner of a million cards, walked every
    # card with an event lookup each (3.5 s); with the id it starts from today's events (0.2 ms).
    count = (
        _introduced_since(user=p.user, pair=p.pair, day_start=p.at("day_start"))
        .order_by()
        .values("user")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        UserLanguagePair.objects.annotate(new_introduced_today=Coalesce(Subquery(count), 0))
        .filter(user=p.user, pk=p.pair)
        .values_list(*_PAIR_FIELDS, "new_introduced_today")
    )


def pair_for_due_queue(*, user, pair_id: Any, now: datetime | None = None) -> UserLanguagePair:
    """The learner's pair with `new_introduced_today` counted in the same query (one round trip less
    for the most read endpoint); 404 for a pair that is not theirs. The query is compiled once per
    process (langlearn.compiled): the due queue is read on every review session."""
    try:
        pair_id = pair_id if isinstance(pair_id, uuid.UUID) else uuid.UUID(str(pair_id))
    except ValueError:
        raise NotFound("Language pair not found.", code="language_pair_not_found")
    day_start = learner_day_start(user, now or timezone.now())
    rows = compiled_query(_pair_query).rows(user=user.pk, pair=pair_id, day_start=day_start)
    if not rows:
        raise NotFound("Language pair not found.", code="language_pair_not_found")
    *values, introduced = rows[0]
    pair = UserLanguagePair.from_db(connection.alias, _PAIR_FIELDS, values)
    pair.new_introduced_today = introduced
    return pair


def _row(values: tuple) -> dict[str, Any]:
    (id_, entry_id, direction, state, step, stability, difficulty, due, last_review, text, lemma, pos,
     translation, example, example_translation, audio) = values  # fmt: skip
    recognise = direction == Direction.RECOGNISE
    return {
        "id": str(id_),
        "entry": str(entry_id),
        "direction": direction,
        "front": text if recognise else translation,
        "back": translation if recognise else text,
        "text": text,
        "lemma": lemma,
        "part_of_speech": pos,
        "translation": translation,
        "example_sentence": example,
        "example_translation": example_translation,
        "audio_url": storage.media_url(audio) if audio else None,
        "is_new": last_review is None,
        "state": STATE_NAMES[state],
        "step": step,
        "stability": stability,
        "difficulty": difficulty,
        "due": due.isoformat(),
        "last_review": last_review.isoformat() if last_review else None,
    }


def due_queue_querysets(
    *, user, pair: UserLanguagePair, limit: int, new_allowed: int, now: datetime
) -> tuple[QuerySet, QuerySet | None]:
    """The two reads of the due queue, each served by its partial (user, pair, due, id) index: studied
    cards due now, and new cards (None when no new card is allowed today)."""
    return _due_querysets(
        user=user,
        pair=pair,
        produce=pair.production_cards_enabled,
        limit=limit,
        new_limit=min(limit, new_allowed),
        now=now,
    )


def _due_querysets(*, user, pair, produce: bool, limit: int, new_limit: int, now) -> tuple[QuerySet, QuerySet | None]:
    base = Flashcard.objects.filter(user=user, pair=pair, suspended=False)
    if not produce:
        base = base.filter(direction=Direction.RECOGNISE)
    studied = base.filter(last_review__isnull=False, due__lte=now).order_by("due", "id")[:limit]
    if not new_limit:
        return studied, None
    return studied, base.filter(last_review__isnull=True).order_by("due", "id")[:new_limit]


def _cards_query(p: Placeholders, produce: bool, limit: int, new_limit: int, part: str) -> QuerySet:
    """The due queue's cards as rows of _COLUMNS: both reads in one UNION ALL (`part` "both"), or
    one of them (SQLite cannot LIMIT inside a UNION)."""
    studied, new = _due_querysets(
        user=p.user, pair=p.pair, produce=produce, limit=limit, new_limit=new_limit, now=p.at("now")
    )
    if part == "studied":
        return studied.values_list(*_COLUMNS)
    if part == "new":
        return new.values_list(*_COLUMNS)
    if new is None:
        return studied.values_list(*_COLUMNS)
    return studied.values_list(*_COLUMNS).union(new.values_list(*_COLUMNS), all=True)


def due_cards_for_user(
    *, user, pair: UserLanguagePair, limit: int = 20, now: datetime | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Up to `limit` cards to review now: cards already studied that are due, oldest due first, then
    new cards up to what is left of the pair's daily new-card limit. Returns (cards, new cards still
    allowed today). Suspended cards, and produce cards while the pair has them switched off, are left out.

    One query for the cards (the two reads in one UNION ALL), plus one to count today's new cards
    unless `pair` comes from `pair_for_due_queue`, which counted them already."""
    now = now or timezone.now()
    limit = max(1, min(limit, MAX_DUE_LIMIT))
    introduced = getattr(pair, "new_introduced_today", None)
    if introduced is None:
        introduced = new_cards_introduced_today(user=user, pair=pair, now=now)
    new_allowed = max(0, pair.daily_new_cards - introduced)
    shape = (pair.production_cards_enabled, limit, min(limit, new_allowed))
    values = {"user": user.pk, "pair": pair.pk, "now": now}
    if not new_allowed or connection.features.supports_slicing_ordering_in_compound:
        rows = compiled_query(_cards_query, *shape, "both").rows(**values)
    else:  # SQLite (`make run`) cannot LIMIT inside a UNION: two queries there
        rows = [*compiled_query(_cards_query, *shape, "studied").rows(**values)]
        rows += compiled_query(_cards_query, *shape, "new").rows(**values)
    # UNION ALL keeps no order: put it back (studied first, each part by due then id, as in SQL).
    studied = sorted((r for r in rows if r[8] is not None), key=lambda r: (r[7], r[0]))
    new = sorted((r for r in rows if r[8] is None), key=lambda r: (r[7], r[0]))[: limit - len(studied)]
    return [_row(r) for r in studied] + [_row(r) for r in new], new_allowed - len(new)


def flashcard_preview_intervals(
    card: Flashcard | Mapping[str, Any], *, pair: UserLanguagePair, now: datetime | None = None
) -> dict[str, dict[str, Any]]:
    """For each rating, when the card would next be due if rated so now: {"again": {"due": iso,
    "interval_seconds": n}, ...}. Takes a Flashcard or a due-queue dict. Computed without fuzz (the
    applied review adds a little), so it is what the buttons can honestly promise."""
    now = now or timezone.now()
    fsrs_card = to_fsrs(_as_fsrs_mapping(card) if isinstance(card, Mapping) else card)
    scheduler = scheduler_for_pair(pair, fuzz=False)
    preview = {}
    for rating in FsrsRating:
        scheduled, _ = scheduler.review_card(fsrs_card, rating, review_datetime=now)
        preview[rating.name.lower()] = {
            "due": scheduled.due.isoformat(),
            "interval_seconds": max(0, int((scheduled.due - now) / timedelta(seconds=1))),
        }
    return preview


def _as_fsrs_mapping(row: Mapping[str, Any]) -> dict[str, Any]:
    def dt(value):
        return datetime.fromisoformat(value) if isinstance(value, str) else value

    state = row["state"]
    state = {name: value for value, name in STATE_NAMES.items()}.get(state, state)
    return {**row, "state": state, "due": dt(row["due"]), "last_review": dt(row.get("last_review"))}


def _count_capped(reads: list[QuerySet], caps: int | list[int]) -> dict[Any, int]:
    """Rows per pair of each read (one pair each), counting at most its cap: one query."""
    if isinstance(caps, int):
        caps = [caps] * len(reads)
    limited = [read.order_by().values_list("pair_id")[:cap] for read, cap in zip(reads, caps, strict=True)]
    if len(limited) > 1 and connection.features.supports_slicing_ordering_in_compound:
        # The combined query must drop the model's default ordering (`due`, not in the select list).
        rows: Any = limited[0].union(*limited[1:], all=True).order_by()
    else:  # one pair, or SQLite (`make run`), which cannot LIMIT inside a UNION: a query per pair there
        rows = [row for read in limited for row in read]
    counts: dict[Any, int] = {}
    for (pair_id,) in rows:
        counts[pair_id] = counts.get(pair_id, 0) + 1
    return counts


def due_counts_for_user(
    *, user, pairs: list[UserLanguagePair], now: datetime | None = None
) -> dict[Any, dict[str, int]]:
    """For each of `pairs` (the learner's own): {"due": studied cards due now (at most DUE_COUNT_CAP),
    "due_capped": whether more than DUE_COUNT_CAP are due (the screen shows "1000+"), "new": new
    cards still to introduce today}, by the rules of `due_cards_for_user` (suspended cards
    and switched-off produce cards left out, the daily new-card limit in the learner's day). At most
    three queries whatever the number of pairs or cards, for screens that show every pair's counts."""
    now = now or timezone.now()
    if not pairs:
        return {}
    # Produce cards count only for pairs that have them on: decided here per pair, so the queries
    # need no join, and each count is a range of its partial due-queue index (studied, new).
    ids = [p.pk for p in pairs]
    shown = Flashcard.objects.filter(
        Q(pair_id__in=[p.pk for p in pairs if p.production_cards_enabled])
        | Q(pair_id__in=[p.pk for p in pairs if not p.production_cards_enabled], direction=Direction.RECOGNISE),
        user=user,
        suspended=False,
    )
    introduced = dict(
        FlashcardEvent.objects.filter(
            user=user,
            card__pair_id__in=ids,
            reviewed_at__gte=learner_day_start(user, now),
            state_before__last_review=None,
        )
        .values("card__pair_id")
        .annotate(n=Count("id"))
        .values_list("card__pair_id", "n")
    )
    allowed = {p.pk: max(0, p.daily_new_cards - introduced.get(p.pk, 0)) for p in pairs}
    # Both counts stop where a screen stops caring: studied cards due at DUE_COUNT_CAP (a learner of a
    # million cards has a quarter million due, and counting them all grew the home screen with it),
    # new cards at what today still allows (a bank of 30,000 unseen words must not be counted either).
    # Each is one UNION ALL of a LIMITed range read of the partial due-queue index per pair.
    # One past the cap: a count of DUE_COUNT_CAP + 1 tells "more than the cap" from "exactly the cap".
    due = _count_capped(
        [shown.filter(pair_id=pk, last_review__isnull=False, due__lte=now) for pk in ids], DUE_COUNT_CAP + 1
    )
    new = _count_capped(
        [shown.filter(pair_id=pk, last_review__isnull=True) for pk, cap in allowed.items() if cap],
        [cap for cap in allowed.values() if cap],
    )
    return {
        pk: {
            "due": min(due.get(pk, 0), DUE_COUNT_CAP),
            "due_capped": due.get(pk, 0) > DUE_COUNT_CAP,
            "new": new.get(pk, 0),
        }
        for pk in ids
    }
