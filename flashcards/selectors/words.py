"""What the learner knows, word by word: the statuses reading screens colour tokens with."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from langlearn.lookups import in_values
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from ..models import CardState

KNOWN = "known"
LEARNING = "learning"
# Anki calls a card "mature" once its interval reaches 21 days; FSRS's stability (days until
# recall probability falls to 90%) is the same yardstick for our cards.
MATURE_STABILITY_DAYS = 21.0


def card_is_mature(card) -> bool:
    """The Python side of the maturity rule `word_statuses_for_pair` applies in SQL below."""
    return (
        card.state == CardState.REVIEW
        and card.last_review is not None
        and card.stability is not None
        and card.stability >= MATURE_STABILITY_DAYS
    )


def word_statuses_for_pair(*, pair: UserLanguagePair, keys: Iterable[str]) -> dict[str, str]:
    """{normalised lemma: "known" | "learning"} for those of `keys` in the pair's word bank; a key
    not in the result is new to the learner.

    Known: every active (not suspended) card of the entry is mature: in the Review state (graduated,
    not lapsed) with a stability of at least 21 days, as Anki counts maturity. Anything else in the
    word bank (new cards, cards still in (re)learning, an entry with no card) is learning. One query,
    bounded by `keys` (the words of a text), not by the size of the word bank."""
    keys = {k for k in keys if k}
    if not keys:
        return {}
    active = Q(flashcards__suspended=False)
    rows = (
        LearnableWordBankEntry.objects.filter(in_values("normalized_lemma", keys), pair=pair)
        .values("normalized_lemma")
        .annotate(
            cards=Count("flashcards", filter=active),
            graduated=Count(
                "flashcards",
                filter=active
                & Q(
                    flashcards__state=CardState.REVIEW,
                    flashcards__last_review__isnull=False,
                    flashcards__stability__gte=MATURE_STABILITY_DAYS,
                ),
            ),
        )
        .values_list("normalized_lemma", "cards", "graduated")
    )
    return {key: KNOWN if cards and cards == graduated else LEARNING for key, cards, graduated in rows}
