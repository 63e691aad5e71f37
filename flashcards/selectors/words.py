"""What the learner knows, word by word: the statuses reading screens colour tokens with."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from vocab.models import LearnableWordBankEntry, UserLanguagePair

from ..models import CardState

KNOWN = "known"
LEARNING = "learning"


def word_statuses_for_pair(*, pair: UserLanguagePair, keys: Iterable[str]) -> dict[str, str]:
    """{normalised lemma: "known" | "learning"} for those of `keys` in the pair's word bank; a key
    not in the result is new to the learner.

    Known: every active (not suspended) card of the entry is in the Review state, i.e. graduated
    from learning and not lapsed. Anything else in the word bank — new cards, cards still in
    (re)learning, an entry with no card — is learning. One query, bounded by `keys` (the words of a
    text), not by the size of the word bank."""
    keys = {k for k in keys if k}
    if not keys:
        return {}
    active = Q(flashcards__suspended=False)
    rows = (
        LearnableWordBankEntry.objects.filter(pair=pair, normalized_lemma__in=keys)
        .values("normalized_lemma")
        .annotate(
            cards=Count("flashcards", filter=active),
            graduated=Count(
                "flashcards",
                filter=active & Q(flashcards__state=CardState.REVIEW, flashcards__last_review__isnull=False),
            ),
        )
        .values_list("normalized_lemma", "cards", "graduated")
    )
    return {key: KNOWN if cards and cards == graduated else LEARNING for key, cards, graduated in rows}
