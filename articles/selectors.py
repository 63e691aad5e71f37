"""Reads for articles, scoped to the learner at the query. The vocab/flashcards tables are read
directly (read-only) for due words and the word bank."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from flashcards.models import Flashcard
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from .models import TranslatedArticle

DUE_WORDS_IN_PROMPT = 12


def articles_for_user(*, user) -> QuerySet[TranslatedArticle]:
    return TranslatedArticle.objects.filter(user=user)


def pair_for_user(*, user, pair_id) -> UserLanguagePair | None:
    return UserLanguagePair.objects.filter(user=user, pk=pair_id).first()


def due_words_for_pair(*, pair: UserLanguagePair, limit: int = DUE_WORDS_IN_PROMPT) -> list[str]:
    """The learner's reviewed cards that are due now, soonest first: words worth meeting again."""
    texts = (
        Flashcard.objects.filter(
            user_id=pair.user_id, pair=pair, suspended=False, due__lte=timezone.now(), last_review__isnull=False
        )
        .order_by("due")
        .values_list("entry__text", flat=True)[: limit * 2]
    )
    return list(dict.fromkeys(texts))[:limit]  # both directions of one entry may be due


def known_lemmas_for_pair(*, pair: UserLanguagePair, among: Iterable[str]) -> set[str]:
    """Which of `among` (normalised lemmas) are in the learner's word bank for this pair."""
    among = set(among)
    if not among:
        return set()
    return set(
        LearnableWordBankEntry.objects.filter(pair=pair, normalized_lemma__in=among).values_list(
            "normalized_lemma", flat=True
        )
    )
