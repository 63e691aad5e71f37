"""Reads for articles, scoped to the learner at the query. What the learner studies and knows comes
from the flashcards and vocab selectors."""

from __future__ import annotations

from django.db.models import QuerySet

from flashcards.selectors import due_words_for_pair
from vocab.models import UserLanguagePair

from .models import TranslatedArticle

DUE_WORDS_IN_PROMPT = 12


def articles_for_user(*, user) -> QuerySet[TranslatedArticle]:
    return TranslatedArticle.objects.filter(user=user)


def due_texts_for_pair(*, pair: UserLanguagePair, limit: int = DUE_WORDS_IN_PROMPT) -> list[str]:
    """The learner's words due now, as written in the word bank: the words an article should reuse."""
    return list(dict.fromkeys(w.text for w in due_words_for_pair(pair=pair, limit=limit)))[:limit]
