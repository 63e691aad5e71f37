"""Reads of cards and their events, scoped to the learner at the query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from langlearn.errors import NotFound
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from ..models import CardState, Flashcard, FlashcardEvent


def flashcards_for_user(
    *,
    user,
    pair_id: uuid.UUID | str | None = None,
    state: str | None = None,
    due_before: datetime | None = None,
    suspended: bool | None = None,
    direction: str | None = None,
) -> QuerySet[Flashcard]:
    """`state` is `new` (never reviewed), `learning`, `review` or `relearning`."""
    qs = Flashcard.objects.filter(user=user).select_related("entry", "pair")
    if pair_id is not None:
        qs = qs.filter(pair_id=pair_id)
    if state == "new":
        qs = qs.filter(last_review__isnull=True)
    elif state:
        qs = qs.filter(state={"learning": 1, "review": 2, "relearning": 3}[state], last_review__isnull=False)
    if due_before is not None:
        qs = qs.filter(due__lt=due_before)
    if suspended is not None:
        qs = qs.filter(suspended=suspended)
    if direction:
        qs = qs.filter(direction=direction)
    return qs.order_by("due", "id")


def flashcard_get_for_user(*, user, card_id: uuid.UUID | str) -> Flashcard:
    try:
        return Flashcard.objects.select_related("entry", "pair").get(user=user, pk=card_id)
    except (Flashcard.DoesNotExist, ValueError, TypeError):
        raise NotFound("Flashcard not found.", code="flashcard_not_found")


def events_for_card(*, user, card_id: uuid.UUID | str) -> QuerySet[FlashcardEvent]:
    """The card's reviews, newest first. 404 for someone else's card (not an empty list)."""
    if not Flashcard.objects.filter(user=user, pk=card_id).exists():
        raise NotFound("Flashcard not found.", code="flashcard_not_found")
    return FlashcardEvent.objects.filter(user=user, card_id=card_id)


@dataclass(frozen=True)
class DueWord:
    lemma: str
    text: str


def due_words_for_pair(*, pair: UserLanguagePair, limit: int, now: datetime | None = None) -> list[DueWord]:
    """Words of the pair's reviewed cards that are due now, most overdue first, one per entry (both
    directions of an entry may be due): the words worth meeting again in a generated text."""
    rows = (
        Flashcard.objects.filter(
            user_id=pair.user_id,
            pair=pair,
            suspended=False,
            due__lte=now or timezone.now(),
            last_review__isnull=False,
        )
        .order_by("due")
        .values_list("entry_id", "entry__lemma", "entry__text")[: limit * 2]
    )
    words: dict[uuid.UUID, DueWord] = {}
    for entry_id, lemma, text in rows:
        words.setdefault(entry_id, DueWord(lemma=lemma, text=text))
    return list(words.values())[:limit]


def target_words_for_pair(
    *, pair: UserLanguagePair, limit: int, now: datetime | None = None, newest: bool = True
) -> list[str]:
    """The words a generated text should use, in order of need: cards due now (most overdue first),
    then cards still in (re)learning, then (unless `newest` is False: the caller has words of its
    own to add, e.g. a pack's) the newest words of the bank. Lemmas (or texts), deduplicated.
    Up to three small queries, each bounded by `limit`."""
    words: dict[str, None] = {}

    def take(values) -> bool:
        for lemma, text in values:
            word = (lemma or text or "").strip()
            if word:
                words.setdefault(word, None)
            if len(words) >= limit:
                return True
        return False

    due = due_words_for_pair(pair=pair, limit=limit, now=now)
    if take((w.lemma, w.text) for w in due):
        return list(words)
    learning = (
        Flashcard.objects.filter(
            user_id=pair.user_id, pair=pair, suspended=False, state__in=(CardState.LEARNING, CardState.RELEARNING)
        )
        .order_by("due")
        .values_list("entry__lemma", "entry__text")[: limit * 2]
    )
    if take(learning) or not newest:
        return list(words)
    newest_words = (
        LearnableWordBankEntry.objects.filter(pair=pair).order_by("-created_at").values_list("lemma", "text")[:limit]
    )
    take(newest_words)
    return list(words)
