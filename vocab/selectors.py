"""Reads of the word bank. Every query is scoped to the learner at the query (another learner's row
is simply not found, so the API answers 404 without leaking that it exists)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from langlearn.errors import NotFound

from .models import LearnableWordBankEntry, UserLanguagePair


def pairs_for_user(*, user) -> QuerySet[UserLanguagePair]:
    return UserLanguagePair.objects.filter(user=user)


def pair_get_for_user(*, user, pair_id: uuid.UUID | str) -> UserLanguagePair:
    """A pair named in a request body goes through here, so someone else's id answers 404."""
    try:
        return pairs_for_user(user=user).get(pk=pair_id)
    except (UserLanguagePair.DoesNotExist, ValueError, TypeError):
        raise NotFound("Language pair not found.", code="language_pair_not_found")


def entries_for_user(
    *,
    user,
    pair_id: uuid.UUID | str | None = None,
    source: str | None = None,
    search: str | None = None,
    has_audio: bool | None = None,
) -> QuerySet[LearnableWordBankEntry]:
    qs = LearnableWordBankEntry.objects.filter(user=user)
    if pair_id is not None:
        qs = qs.filter(pair_id=pair_id)
    if source:
        qs = qs.filter(source=source)
    if search:
        term = search.strip()
        qs = qs.filter(Q(text__istartswith=term) | Q(lemma__istartswith=term) | Q(translation__istartswith=term))
    if has_audio is True:
        qs = qs.exclude(audio="")
    elif has_audio is False:
        qs = qs.filter(audio="")
    return qs


def entries_existing_lemmas(
    *, pair: UserLanguagePair, normalized_lemmas: list[str]
) -> dict[str, LearnableWordBankEntry]:
    """The entries of `pair` already holding any of these keys, by key (one query)."""
    if not normalized_lemmas:
        return {}
    rows = LearnableWordBankEntry.objects.filter(pair=pair, normalized_lemma__in=set(normalized_lemmas))
    return {row.normalized_lemma: row for row in rows}


def known_lemmas_for_pair(*, pair: UserLanguagePair, among: Iterable[str]) -> set[str]:
    """Which of `among` (word-bank keys, `vocab.keys.normalize_key`) are in the learner's word bank
    for `pair`. One query, bounded by `among` (the words of one text), not by the size of the bank."""
    among = set(among)
    if not among:
        return set()
    return set(
        LearnableWordBankEntry.objects.filter(pair=pair, normalized_lemma__in=among).values_list(
            "normalized_lemma", flat=True
        )
    )


def newest_words_for_pair(*, pair: UserLanguagePair, limit: int) -> list[tuple[str, str]]:
    """(lemma, text) of the pair's most recently added entries, newest first."""
    return list(
        LearnableWordBankEntry.objects.filter(pair=pair).order_by("-created_at").values_list("lemma", "text")[:limit]
    )


def entries_from_source(*, user, source: str, source_ref: Any) -> QuerySet[LearnableWordBankEntry]:
    """The learner's entries that came from one pack/article/adventure (`source_ref` may be an
    `OuterRef`, for an `Exists(...)` annotation)."""
    return LearnableWordBankEntry.objects.filter(user=user, source=source, source_ref=source_ref)


MAX_PHRASES = 2000


def phrases_for_pair(*, pair: UserLanguagePair, limit: int = MAX_PHRASES) -> dict[str, str]:
    """The learner's multi-word entries of `pair` as {phrase as written: word-bank key}: the text and,
    when the learner gave one, the lemma of each (either may be found in a text). One query; the
    newest `limit` entries when there are more."""
    rows = (
        LearnableWordBankEntry.objects.filter(pair=pair)
        .filter(Q(text__contains=" ") | Q(normalized_lemma__contains=" "))
        .order_by("-created_at")
        .values_list("text", "lemma", "normalized_lemma")[:limit]
    )
    phrases: dict[str, str] = {}
    for text, lemma, key in rows:
        for phrase in (lemma, text):
            if phrase and len(phrase.split()) > 1:
                phrases.setdefault(" ".join(phrase.split()), key)
    return phrases


def word_bank_keys(*, pair: UserLanguagePair) -> QuerySet[LearnableWordBankEntry]:
    """The pair's word-bank keys as a one-column queryset, to be used as a subquery (`key__in=`)
    by a bulk write that must skip words already in the word bank."""
    return LearnableWordBankEntry.objects.filter(pair=pair).order_by().values("normalized_lemma")


def entry_keys(*, pair: UserLanguagePair, entry_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """{entry id: word-bank key} for those of `entry_ids` in `pair` (one query)."""
    entry_ids = set(entry_ids)
    if not entry_ids:
        return {}
    rows = LearnableWordBankEntry.objects.filter(pair=pair, pk__in=entry_ids).values_list("pk", "normalized_lemma")
    return dict(rows)
