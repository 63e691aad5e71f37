"""Reads of the learner's vocabulary. One rule, written here: the status of a key for a pair.

    explicit mark (known / ignored / learning, `WordStatusMark`)
    else the word bank: "known" when every active card is mature, else "learning"
         (`flashcards.selectors.word_statuses_for_pair`)
    else "new".

Two queries for any number of keys (the marks, the word bank), each bounded by the keys asked
about, not by the size of the learner's vocabulary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from flashcards.selectors import word_statuses_for_pair
from langlearn.errors import NotFound
from langlearn.lookups import in_values
from vocab.models import UserLanguagePair

from .models import PlacementTest, Status, StatusSource, WordStatusEvent, WordStatusMark


def word_statuses(*, pair: UserLanguagePair, keys: Iterable[str]) -> dict[str, str]:
    """{key: status} for those of `keys` that are not new (a key missing from the answer is new)."""
    keys = {k for k in keys if k}
    if not keys:
        return {}
    statuses = word_statuses_for_pair(pair=pair, keys=keys)
    marks = WordStatusMark.objects.filter(in_values("key", keys), pair=pair).values_list("key", "status")
    statuses.update(dict(marks))
    return {k: s for k, s in statuses.items() if s != Status.NEW}


def has_vocabulary(*, pair: UserLanguagePair) -> bool:
    """Whether the learner has any word of this pair that is not new: a word-bank entry or a mark
    "known" / "learning". At most two small queries. A learner without one has nothing a text could be levelled
    against (every content word is new, whatever the LLM writes)."""
    marks = WordStatusMark.objects.filter(pair=pair, status__in=[Status.KNOWN, Status.LEARNING])
    return pair.entries.exists() or marks.exists()


def vocabulary_counts(*, pairs: Iterable[UserLanguagePair], now: dt.datetime | None = None) -> dict[str, Any]:
    """What the home screen shows for `pairs`: words marked known in total and by source, and how
    many of them were marked in the last seven days. One query. (Word-bank words whose cards are
    mature are known too, and counted by the word bank's own figures.)"""
    now = now or timezone.now()
    week = Q(updated_at__gte=now - dt.timedelta(days=7))
    rows = (
        WordStatusMark.objects.filter(pair__in=list(pairs), status=Status.KNOWN)
        .values("source")
        .annotate(n=Count("id"), week=Count("id", filter=week))
        .values_list("source", "n", "week")
    )
    by_source = {source: 0 for source in StatusSource.values if source != StatusSource.UNDO}
    this_week = 0
    for source, n, recent in rows:
        by_source[source] = by_source.get(source, 0) + n
        this_week += recent
    return {"known_total": sum(by_source.values()), "known_by_source": by_source, "known_this_week": this_week}


def events_of_batch(*, pair: UserLanguagePair, batch) -> QuerySet[WordStatusEvent]:
    return WordStatusEvent.objects.filter(pair=pair, batch=batch)


def last_batch(*, pair: UserLanguagePair, source: str):
    """The batch of the pair's latest change from `source` that is not undone yet, or None."""
    event = WordStatusEvent.objects.filter(pair=pair, source=source).order_by("-id").only("batch").first()
    return event.batch if event is not None else None


def placement_get_for_user(*, user, placement_id) -> PlacementTest:
    try:
        return PlacementTest.objects.select_related("pair", "job").get(user=user, pk=placement_id)
    except (PlacementTest.DoesNotExist, ValueError, TypeError):
        raise NotFound("Placement test not found.", code="placement_not_found")
