"""What the learner knows, word by word: the statuses reading screens colour tokens with."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Value, When

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
    rows = _counted(LearnableWordBankEntry.objects.filter(in_values("normalized_lemma", keys), pair=pair)).values_list(
        "normalized_lemma", "cards", "graduated"
    )
    return {key: KNOWN if cards and cards == graduated else LEARNING for key, cards, graduated in rows}


_ACTIVE = Q(flashcards__suspended=False)
_MATURE = _ACTIVE & Q(
    flashcards__state=CardState.REVIEW,
    flashcards__last_review__isnull=False,
    flashcards__stability__gte=MATURE_STABILITY_DAYS,
)


def _counted(entries: QuerySet[LearnableWordBankEntry]) -> QuerySet:
    """Per entry (grouped by pair and key): its active cards and how many of them are mature."""
    return (
        entries.order_by()
        .values("pair_id", "normalized_lemma")
        .annotate(cards=Count("flashcards", filter=_ACTIVE), graduated=Count("flashcards", filter=_MATURE))
    )


def word_bank_statuses(*, user, pair_id=None, status: str | None = None, search: str | None = None) -> QuerySet:
    """The learner's word-bank words with the status their cards give them, as rows of
    (pair_id, normalized_lemma, cards, graduated, status, updated_at): the same rule as
    `word_statuses_for_pair`, for listing every word rather than looking up a text's. `status`
    ("known" / "learning") and `search` (a key prefix) filter in the database."""
    entries = LearnableWordBankEntry.objects.filter(user=user)
    if pair_id is not None:
        entries = entries.filter(pair_id=pair_id)
    if search:
        entries = entries.filter(normalized_lemma__startswith=search)
    rows = _counted(entries).annotate(
        status=Case(
            When(Q(cards__gt=0) & Q(cards=F("graduated")), then=Value(KNOWN)),
            default=Value(LEARNING),
            output_field=CharField(),
        ),
        entry_updated_at=Max("updated_at"),
    )
    if status:
        rows = rows.filter(status=status)
    return rows
