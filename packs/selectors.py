"""Reads: the learner catalogue and the editor's list, annotated in the query (no N+1)."""

from __future__ import annotations

import json

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from vocab.models import EntrySource
from vocab.selectors import entries_from_source

from .models import WordBankPack, WordBankPackEntry


def entry_count(filter_q: Q | None = None, **filters) -> Coalesce:
    """A correlated COUNT of the pack's entries. A subquery, not Count("entries"): a later filter
    across entries (the admin's search by entry text) would join them again and multiply a
    join-based count."""
    entries = (
        WordBankPackEntry.objects.filter(filter_q or Q(), pack=OuterRef("pk"), **filters)
        .order_by()
        .values("pack")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(entries, output_field=IntegerField()), 0)


def packs_with_counts(qs: QuerySet[WordBankPack] | None = None) -> QuerySet[WordBankPack]:
    """Entry count and the number of entries missing a translation or audio."""
    qs = WordBankPack.objects.all() if qs is None else qs
    return qs.annotate(
        entry_count=entry_count(),
        missing_translation=entry_count(translation=""),
        missing_audio=entry_count(audio=""),
    )


def packs_filter(
    qs: QuerySet[WordBankPack],
    *,
    source_language: str | None = None,
    target_language: str | None = None,
    level: str | None = None,
    tag: str | None = None,
    search: str | None = None,
) -> QuerySet[WordBankPack]:
    if source_language:
        qs = qs.filter(source_language=source_language)
    if target_language:
        qs = qs.filter(target_language=target_language)
    if level:
        qs = qs.filter(level=level.upper())
    if tag:
        # Tags are a JSON list; matching the quoted element works on PostgreSQL and SQLite alike.
        qs = qs.filter(tags__icontains=json.dumps(tag.strip().lower()))
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(description__icontains=search) | Q(tags__icontains=search))
    return qs


def packs_for_learner(*, user) -> QuerySet[WordBankPack]:
    """Published packs with their entry count and whether `user` already added them."""
    added = entries_from_source(user=user, source=EntrySource.PACK, source_ref=OuterRef("pk"))
    return (
        WordBankPack.objects.filter(published=True)
        .annotate(entry_count=entry_count(), already_added=Exists(added))
        .order_by("title", "id")
    )


ENTRY_ORDER = ("position", "created_at", "id")


def pack_entries(*, pack: WordBankPack) -> QuerySet[WordBankPackEntry]:
    return WordBankPackEntry.objects.filter(pack=pack).order_by(*ENTRY_ORDER)


def packs_with_preview(qs: QuerySet[WordBankPack], *, size: int) -> QuerySet[WordBankPack]:
    """Each pack's first `size` entries as `pack.preview_entries`. Sliced inside a Prefetch, Django
    limits it per pack with a window function: the previews of every pack are one query."""
    preview = WordBankPackEntry.objects.order_by(*ENTRY_ORDER)[:size]
    return qs.prefetch_related(Prefetch("entries", queryset=preview, to_attr="preview_entries"))
