"""How the apps below knowledge tell it about status changes they cause, without importing it
(imports run downward): hooks registered from `KnowledgeConfig.ready`.

- An Anki import (`flashcards.services.anki_import.STATUS_HOOKS`): mature cards → known, suspended
  → ignored, one batch with source "anki" (undone by `POST /api/vocab/word-statuses/undo`).
- Reviews (`flashcards.services.reviews.MATURITY_HOOKS`): a card that becomes mature (Review
  state, stability ≥ 21 days) or lapses logs its word's status change with source "review".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable

from vocab.models import UserLanguagePair
from vocab.selectors import entry_keys

from .models import Status, StatusSource
from .selectors import word_statuses
from .services.statuses import _apply, word_status_changes_record


def anki_statuses(*, pair: UserLanguagePair, known: set[str], ignored: set[str]) -> int:
    """Runs inside the import's transaction, after its cards are written. A word the import's
    cards already make known (every card mature here too) needs no mark and keeps following its
    cards; a mark is stored where the cards say otherwise (a card mature in Anki whose FSRS
    stability computed from its history is under 21 days, a card already reviewed here) and for
    suspended words (ignored wins). A re-import changes nothing."""
    targets = {k: Status.KNOWN.value for k in known} | {k: Status.IGNORED.value for k in ignored}
    if not targets:
        return 0
    current = word_statuses(pair=pair, keys=targets)
    return _apply(pair=pair, targets=targets, current=current, source=StatusSource.ANKI, batch=uuid.uuid4())


def review_maturity_changed(
    *, pair: UserLanguagePair, matured: Iterable[uuid.UUID], lapsed: Iterable[uuid.UUID]
) -> Callable[[], None]:
    """Called before the reviewed cards are saved, with the entries whose cards became mature or
    lapsed; reads their words' statuses then, and returns what to run once the cards are saved:
    log each word whose status moved (learning → known when its last immature card matured, known
    → learning on a lapse). A lapse also drops a "known" mark on the word (from a placement, the
    reader, an Anki import): the learner just failed it, so it follows its cards again. ~7 queries,
    only for the reviews that change a card's maturity."""
    keys_of = entry_keys(pair=pair, entry_ids={*matured, *lapsed})
    lapsed_keys = {keys_of[e] for e in lapsed if e in keys_of}
    before = word_statuses(pair=pair, keys=keys_of.values())

    def after() -> None:
        dropped = {k for k in lapsed_keys if before.get(k) == Status.KNOWN}
        if dropped:
            # "learning" is what the word bank implies now: `_apply` removes the mark and logs it.
            _apply(
                pair=pair,
                targets=dict.fromkeys(dropped, Status.LEARNING.value),
                current={k: before[k] for k in dropped},
                source=StatusSource.REVIEW,
                batch=uuid.uuid4(),
            )
        rest = set(keys_of.values()) - dropped
        word_status_changes_record(pair=pair, keys=rest, before=before, source=StatusSource.REVIEW)

    return after


def register() -> None:
    from flashcards.services import anki_import, reviews

    if anki_statuses not in anki_import.STATUS_HOOKS:
        anki_import.STATUS_HOOKS.append(anki_statuses)
    if review_maturity_changed not in reviews.MATURITY_HOOKS:
        reviews.MATURITY_HOOKS.append(review_maturity_changed)
