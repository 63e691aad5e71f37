"""Reviewing cards: one review now (`flashcard_review`) or a batch made offline (`reviews_sync`).

Both lock the card rows (`SELECT ... FOR UPDATE`) for the whole read-schedule-write, so two reviews
of one card are applied one after the other; the `client_event_id` (unique per learner in the
database) makes a retried request a no-op.

Every valid review is kept, whatever order it arrives in. A card's state is a function of its history
(`scheduling.flashcard_state_from_history`): a review newer than the card's last one is applied to the
stored state (the cheap, common case); one that is older — a phone syncing after a tablet — is
inserted into the history and the card is replayed from its first review, rewriting the derived
before/after states of the events it precedes (never their rating or time). Two devices syncing the
same batches in any order therefore end in the same state."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from langlearn.errors import Conflict, InvalidInput, NotFound
from vocab.models import UserLanguagePair

from ..models import Flashcard, FlashcardEvent, Rating
from ..scheduling import (
    FSRS_FIELDS,
    HistoryReview,
    apply_fsrs,
    flashcard_replay,
    fsrs_review,
    scheduler_for_pair,
    snapshot,
    to_fsrs,
)
from ..selectors.words import card_is_mature
from .bulk import cards_save_states, events_save_states

MAX_SYNC_EVENTS = 1000
MAX_REVIEW_AGE = timedelta(days=30)
# Phones' clocks drift; a review stamped a few seconds ahead of the server is not "in the future".
CLOCK_SKEW = timedelta(minutes=2)
RATING_NAMES = {r.label: r.value for r in Rating}  # again/hard/good/easy -> 1..4


def parse_rating(value: Any) -> int:
    """`again|hard|good|easy` (or 1-4); anything else is invalid."""
    if isinstance(value, str) and value.lower() in RATING_NAMES:
        return RATING_NAMES[value.lower()]
    if isinstance(value, int) and not isinstance(value, bool) and value in Rating.values:
        return value
    raise InvalidInput("rating must be one of again, hard, good, easy.", code="invalid_rating")


def check_reviewed_at(reviewed_at: datetime, *, now: datetime) -> None:
    if timezone.is_naive(reviewed_at):
        raise InvalidInput("reviewed_at needs a time zone (e.g. ...Z).", code="invalid_reviewed_at")
    if reviewed_at > now + CLOCK_SKEW:
        raise InvalidInput("reviewed_at is in the future.", code="reviewed_at_in_future")
    if reviewed_at < now - MAX_REVIEW_AGE:
        raise InvalidInput("reviewed_at is more than 30 days ago.", code="reviewed_at_too_old")


def check_client_event_id(value: Any) -> str:
    """1-64 printable characters: PostgreSQL text cannot hold NUL and UTF-8 cannot hold a lone
    surrogate, and either would otherwise reach the database as a 500."""
    if not isinstance(value, str) or not 0 < len(value) <= 64:
        raise InvalidInput("client_event_id is required (a string of at most 64 characters).")
    if any(c == "\x00" or "\ud800" <= c <= "\udfff" or not c.isprintable() for c in value):
        raise InvalidInput("client_event_id must be printable text (no NUL, control or surrogate characters).")
    return value


@dataclass(frozen=True)
class ReviewOutcome:
    event: FlashcardEvent
    card: Flashcard
    duplicate: bool
    replayed: bool = False


@dataclass(frozen=True)
class NewReview:
    rating: int
    reviewed_at: datetime
    duration_ms: int | None = None
    client_event_id: str | None = None
    event_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def history(self) -> HistoryReview:
        return HistoryReview(self.reviewed_at, self.rating, self.client_event_id or str(self.event_id))


def _in_order(card: Flashcard, reviews: list[NewReview]) -> bool:
    """The new reviews all come after the card's last one: applying them to the stored state is the
    same as replaying the whole history (the stored state is that replay), and much cheaper."""
    return card.last_review is None or min(r.reviewed_at for r in reviews) > card.last_review


def _record(
    card: Flashcard, reviews: list[NewReview], *, earlier: list[FlashcardEvent] | None
) -> tuple[list[FlashcardEvent], list[FlashcardEvent]]:
    """Schedule `reviews` on the locked card and update it in memory. Returns the unsaved new events and
    the stored events whose before/after states the replay changed (to be saved). `earlier` is the
    card's stored events; None when the reviews are in order and need no replay."""
    scheduler = scheduler_for_pair(card.pair)
    new_events = {
        r.event_id: FlashcardEvent(
            id=r.event_id,
            card=card,
            user_id=card.user_id,
            rating=r.rating,
            reviewed_at=r.reviewed_at,
            duration_ms=r.duration_ms,
            client_event_id=r.client_event_id,
        )
        for r in reviews
    }
    if earlier is None:
        state = to_fsrs(card)
        for r in sorted(reviews, key=lambda r: r.history.order):
            after = fsrs_review(scheduler, state, r.rating, r.reviewed_at)
            new_events[r.event_id].state_before = snapshot(state)
            new_events[r.event_id].state_after = snapshot(after)
            state = after
        apply_fsrs(card, state)
        return list(new_events.values()), []
    final, changed = flashcard_replay(card, [*earlier, *new_events.values()])
    apply_fsrs(card, final)
    return list(new_events.values()), [e for e in changed if e.id not in new_events]


def _stored_events(card_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[FlashcardEvent]]:
    out: dict[uuid.UUID, list[FlashcardEvent]] = {pk: [] for pk in card_ids}
    if card_ids:
        for event in FlashcardEvent.objects.filter(card_id__in=card_ids).order_by():
            out[event.card_id].append(event)
    return out


def refit_after_reviews() -> int:
    """A fitted pair is fitted again after this many new reviews (FSRS's maintainers advise about
    monthly; `fit_fsrs_parameters` covers the month, this covers a learner who reviews a lot)."""
    return int(getattr(settings, "FSRS_REFIT_AFTER_REVIEWS", 2000))


def _count_reviews(counts: dict[uuid.UUID, int]) -> list[uuid.UUID]:
    """Bump each pair's review counter; returns the pairs whose parameters are now to be fitted in a
    job: the first time the count reaches the threshold, then each time `refit_after_reviews()` more
    reviews have come in since the last fit — once, by the review that crosses the line, never after
    every review."""
    from .fitting import MIN_REVIEWS_FOR_FIT

    crossed = []
    refit = refit_after_reviews()
    for pair_id, n in counts.items():
        # The UPDATE locks the pair row until commit, so the count read next is exactly ours.
        UserLanguagePair.objects.filter(pk=pair_id).update(review_count=F("review_count") + n)
        row = UserLanguagePair.objects.filter(pk=pair_id).values_list("review_count", "fsrs_reviews_at_fit").first()
        if row is None:
            continue
        count, at_fit = row
        first_fit = at_fit == 0 and count >= MIN_REVIEWS_FOR_FIT > count - n
        refit_due = at_fit > 0 and count - at_fit >= refit > count - n - at_fit
        if first_fit or refit_due:
            crossed.append(pair_id)
    return crossed


def _enqueue_fits(pair_ids: list[uuid.UUID]) -> None:
    if pair_ids:
        from ..tasks import fsrs_parameters_fit_job

        transaction.on_commit(lambda: [fsrs_parameters_fit_job.send(str(p)) for p in pair_ids])


MaturityHook = Callable[..., Callable[[], None]]
# Word statuses live above flashcards (issue 15's `knowledge` app) and plug in here: when reviews
# make a card mature or lapse it, each hook is called as `hook(pair=, matured=entry ids, lapsed=entry
# ids)` before the cards are saved and returns a callable to run once they are (it logs the word's
# status change). Appended from that app's AppConfig.ready(). A review that leaves the card's
# maturity as it was — nearly all of them — calls nothing and costs no query.
MATURITY_HOOKS: list[MaturityHook] = []


def _maturity_hooks(cards: list[tuple[Flashcard, bool]]) -> list[Callable[[], None]]:
    """For (card updated in memory, was it mature before) pairs: the hooks' after-save callables."""
    changed: dict[uuid.UUID, tuple[UserLanguagePair, set, set]] = {}
    for card, was_mature in cards:
        if card_is_mature(card) != was_mature and MATURITY_HOOKS:
            _, matured, lapsed = changed.setdefault(card.pair_id, (card.pair, set(), set()))
            (lapsed if was_mature else matured).add(card.entry_id)
    return [hook(pair=p, matured=up, lapsed=down) for p, up, down in changed.values() for hook in MATURITY_HOOKS]


def _save(card: Flashcard, new_events: list[FlashcardEvent], changed: list[FlashcardEvent]) -> None:
    events_save_states(changed)
    FlashcardEvent.objects.bulk_create(new_events, batch_size=500)


def flashcard_review(
    *,
    user,
    card_id: uuid.UUID | str,
    rating: Any,
    reviewed_at: datetime | None = None,
    duration_ms: int | None = None,
    client_event_id: str | None = None,
    now: datetime | None = None,
) -> ReviewOutcome:
    """Apply one review. With a `client_event_id` already used, nothing changes and the first event is
    returned (`duplicate=True`). A review older than the card's last one is accepted and the card's
    history replayed (`replayed=True`)."""
    rating = parse_rating(rating)
    if client_event_id is not None:
        client_event_id = check_client_event_id(client_event_id)
    if reviewed_at is not None:
        check_reviewed_at(reviewed_at, now=now or timezone.now())
    with transaction.atomic():
        card = (
            Flashcard.objects.select_for_update(of=("self",))
            .select_related("pair")
            .filter(user=user, pk=card_id)
            .first()
        )
        if card is None:
            raise NotFound("Flashcard not found.", code="flashcard_not_found")
        if client_event_id:
            # Read after taking the lock: a concurrent retry of this same review has committed by now.
            previous = FlashcardEvent.objects.filter(user=user, client_event_id=client_event_id).first()
            if previous is not None:
                if previous.card_id != card.pk:
                    raise Conflict("client_event_id was already used for another card.", code="client_event_id_reused")
                return ReviewOutcome(event=previous, card=card, duplicate=True)
        if card.suspended:
            raise Conflict("This card is suspended.", code="card_suspended")
        if reviewed_at is None:
            # "Now" is read once the lock is held: a review that waited for a concurrent one is applied
            # after it, so its time must not come before the one the other just recorded.
            reviewed_at = now or timezone.now()
        review = NewReview(rating, reviewed_at, duration_ms, client_event_id)
        replay = not _in_order(card, [review])
        earlier = _stored_events([card.pk])[card.pk] if replay else None
        was_mature = card_is_mature(card)
        (event,), changed = _record(card, [review], earlier=earlier)
        after_save = _maturity_hooks([(card, was_mature)])
        card.save(update_fields=[*FSRS_FIELDS, "updated_at"])
        try:
            with transaction.atomic():
                _save(card, [event], changed)
        except IntegrityError:
            # The same client_event_id raced in on another card of this learner.
            raise Conflict("client_event_id was already used.", code="client_event_id_reused")
        for callback in after_save:
            callback()
        _enqueue_fits(_count_reviews({card.pair_id: 1}))
    return ReviewOutcome(event=event, card=card, duplicate=False, replayed=replay)


@dataclass
class SyncResult:
    index: int
    client_event_id: str | None
    status: str  # applied | duplicate | rejected
    reason: str | None = None
    event_id: uuid.UUID | None = None
    card: uuid.UUID | None = None
    replayed: bool = False

    @property
    def card_id(self) -> uuid.UUID | None:
        return self.card


def _parse_reviewed_at(value: Any) -> datetime:
    if isinstance(value, datetime):  # already parsed by the view's serializer
        return value
    try:
        parsed = parse_datetime(value) if isinstance(value, str) and len(value) <= 64 else None
    except ValueError:  # well-formed but impossible: 2026-02-30, 25:00
        parsed = None
    if parsed is None:
        raise InvalidInput("reviewed_at is required (ISO 8601 with a time zone).")
    return parsed


def _parse_event(raw: Any, now: datetime) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidInput("Each event must be an object.")
    client_event_id = check_client_event_id(raw.get("client_event_id"))
    try:
        card_id = uuid.UUID(str(raw.get("card")))
    except ValueError:
        raise InvalidInput("card must be a flashcard id.")
    reviewed_at = _parse_reviewed_at(raw.get("reviewed_at"))
    check_reviewed_at(reviewed_at, now=now)
    duration_ms = raw.get("duration_ms")
    if duration_ms is not None and (
        not isinstance(duration_ms, int) or isinstance(duration_ms, bool) or not 0 <= duration_ms <= 86_400_000
    ):
        raise InvalidInput("duration_ms must be a whole number of milliseconds (at most a day).")
    return {
        "card_id": card_id,
        "review": NewReview(parse_rating(raw.get("rating")), reviewed_at, duration_ms, client_event_id),
    }


def reviews_sync(*, user, events: list[Any], now: datetime | None = None) -> list[SyncResult]:
    """Apply reviews made offline, idempotently. Each event is applied, a duplicate (its client_event_id
    was applied before, or earlier in this batch) or rejected with the reason. Events older than their
    card's last review are applied too, by replaying the card's history. Everything is written in one
    transaction: a failure applies nothing and the client retries the same batch safely."""
    if not isinstance(events, list):
        raise InvalidInput("events must be a list.")
    if len(events) > MAX_SYNC_EVENTS:
        raise InvalidInput(f"At most {MAX_SYNC_EVENTS} events per sync.", code="too_many_events")
    now = now or timezone.now()
    results: list[SyncResult] = []
    valid: list[tuple[SyncResult, uuid.UUID, NewReview]] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(events):
        client_event_id = raw.get("client_event_id") if isinstance(raw, dict) else None
        result = SyncResult(index=index, client_event_id=None, status="rejected")
        if isinstance(client_event_id, str):
            # Echo it back only if it can be encoded in the JSON answer.
            result.client_event_id = client_event_id.encode("utf-8", "replace").decode("utf-8")
        results.append(result)
        try:
            parsed = _parse_event(raw, now)
        except InvalidInput as exc:
            result.reason = exc.detail
            continue
        result.card = parsed["card_id"]
        review: NewReview = parsed["review"]
        if review.client_event_id in seen_ids:
            result.status, result.reason = "duplicate", "repeated within this batch"
            continue
        seen_ids.add(review.client_event_id)
        valid.append((result, parsed["card_id"], review))
    if not valid:
        return results

    with transaction.atomic():
        # Lock in id order, so two syncs touching the same cards cannot deadlock.
        cards = {
            card.pk: card
            for card in Flashcard.objects.select_for_update(of=("self",))
            .select_related("pair")
            .filter(user=user, pk__in={card_id for _, card_id, _ in valid})
            .order_by("pk")
        }
        already = dict(
            FlashcardEvent.objects.filter(user=user, client_event_id__in=seen_ids).values_list("client_event_id", "id")
        )
        per_card: dict[uuid.UUID, list[tuple[SyncResult, NewReview]]] = defaultdict(list)
        for result, card_id, review in valid:
            if review.client_event_id in already:
                result.status, result.event_id = "duplicate", already[review.client_event_id]
                result.reason = "already applied"
            elif (card := cards.get(card_id)) is None:
                result.reason = "flashcard not found"
            elif card.suspended:
                result.reason = "card is suspended"
            else:
                per_card[card_id].append((result, review))
        to_replay = [pk for pk, items in per_card.items() if not _in_order(cards[pk], [r for _, r in items])]
        stored = _stored_events(to_replay)
        to_insert: list[FlashcardEvent] = []
        to_update: list[FlashcardEvent] = []
        per_pair: dict[uuid.UUID, int] = defaultdict(int)
        maturity: list[tuple[Flashcard, bool]] = []
        for card_id, items in per_card.items():
            card = cards[card_id]
            maturity.append((card, card_is_mature(card)))
            new_events, changed = _record(card, [r for _, r in items], earlier=stored.get(card_id))
            to_insert += new_events
            to_update += changed
            for result, review in items:
                result.status, result.event_id, result.replayed = "applied", review.event_id, card_id in stored
            per_pair[card.pair_id] += len(items)
        if to_insert:
            try:
                with transaction.atomic():
                    events_save_states(to_update)
                    FlashcardEvent.objects.bulk_create(to_insert, batch_size=500)
            except IntegrityError:
                # One of these client_event_ids was just used by a concurrent request on other cards:
                # apply nothing; the retry sees it as a duplicate.
                raise Conflict("A concurrent sync used some of these events; retry.", code="sync_conflict")
            after_save = _maturity_hooks(maturity)
            cards_save_states([cards[pk] for pk in per_card], now=now)
            for callback in after_save:
                callback()
            _enqueue_fits(_count_reviews(per_pair))
    return results
