"""What the learner knows, word by word: the statuses reading screens colour tokens with."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from langlearn.lookups import in_values
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from ..models import CardState, Flashcard

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


def _mature(prefix: str = "") -> Q:
    """The maturity rule in SQL, once: on a card (`prefix` "") or across a relation to cards."""
    return Q(
        **{
            f"{prefix}state": CardState.REVIEW,
            f"{prefix}last_review__isnull": False,
            f"{prefix}stability__gte": MATURE_STABILITY_DAYS,
        }
    )


_ACTIVE = Q(flashcards__suspended=False)
_MATURE = _ACTIVE & _mature("flashcards__")


def _counted(entries: QuerySet[LearnableWordBankEntry]) -> QuerySet:
    """Per entry (grouped by pair and key): its active cards and how many of them are mature."""
    return (
        entries.order_by()
        .values("pair_id", "normalized_lemma")
        .annotate(cards=Count("flashcards", filter=_ACTIVE), graduated=Count("flashcards", filter=_MATURE))
    )


def _count(cards: QuerySet) -> Coalesce:
    return Coalesce(Subquery(cards.order_by().values("entry").annotate(n=Count("pk")).values("n")), 0)


def word_bank_statuses(*, user, pair_id=None, status: str | None = None, search: str | None = None) -> QuerySet:
    """The learner's word-bank entries annotated with the status their cards give them (`status`,
    the rule of `word_statuses_for_pair`), `cards` (active) and `graduated` (mature among them),
    for listing every word rather than looking up a text's. `status` ("known" / "learning") and
    `search` (a key prefix) filter in the database.

    Per entry, not grouped: the counts are subqueries over the entry's cards, so a page ordered by
    key walks the (pair, key) index and stops after the page instead of aggregating the whole word
    bank (5,000 entries: ~250 ms a page grouped, see bench/knowledge_placement.py)."""
    entries = LearnableWordBankEntry.objects.filter(user=user)
    if pair_id is not None:
        entries = entries.filter(pair_id=pair_id)
    if search:
        entries = entries.filter(normalized_lemma__startswith=search)
    active = Flashcard.objects.filter(entry=OuterRef("pk"), suspended=False)
    entries = entries.annotate(cards=_count(active), graduated=_count(active.filter(_mature())))
    # Scalar subqueries, not EXISTS: PostgreSQL may run an EXISTS as one hashed pass over the whole
    # cards table (it did here, planning for every entry rather than the page's twenty).
    known = Q(cards__gt=0, cards=F("graduated"))
    if status == KNOWN:
        entries = entries.filter(known)
    elif status == LEARNING:
        entries = entries.exclude(known)
    return entries.annotate(
        status=Case(When(known, then=Value(KNOWN)), default=Value(LEARNING), output_field=CharField()),
    )
