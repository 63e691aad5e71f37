"""Reviewing cards: one review now (`flashcard_review`) or a batch made offline (`reviews_sync`).

Both lock the card rows (`SELECT ... FOR UPDATE`) for the whole read-schedule-write, so two reviews
of one card are applied one after the other, each starting from the state the other left; the
`client_event_id` (unique per learner in the database) makes a retried request a no-op."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from fsrs import Rating as FsrsRating

from langlearn.errors import Conflict, InvalidInput, NotFound
from vocab.models import UserLanguagePair

from ..models import Flashcard, FlashcardEvent, Rating
from ..scheduling import FSRS_FIELDS, apply_fsrs, scheduler_for_pair, state_snapshot, to_fsrs

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


@dataclass(frozen=True)
class ReviewOutcome:
    event: FlashcardEvent
    card: Flashcard
    duplicate: bool


def _schedule(
    card: Flashcard, *, rating: int, reviewed_at: datetime, duration_ms: int | None, client_event_id: str | None
) -> FlashcardEvent:
    """Run FSRS on the (locked) card, update it in memory and return the unsaved event."""
    if card.last_review is not None and reviewed_at < card.last_review:
        raise InvalidInput("This review is older than the card's last review.", code="review_out_of_order")
    before = state_snapshot(card)
    scheduled, _log = scheduler_for_pair(card.pair).review_card(
        to_fsrs(card), FsrsRating(rating), review_datetime=reviewed_at.astimezone(UTC)
    )
    apply_fsrs(card, scheduled)
    return FlashcardEvent(
        card=card,
        user_id=card.user_id,
        rating=rating,
        reviewed_at=reviewed_at,
        duration_ms=duration_ms,
        state_before=before,
        state_after=state_snapshot(card),
        client_event_id=client_event_id,
    )


def _count_reviews(counts: dict[uuid.UUID, int]) -> list[uuid.UUID]:
    """Bump each pair's review counter; returns the pairs that just reached the fitting threshold
    (once, the review that crosses it), whose parameters are then fitted in a job."""
    from .fitting import MIN_REVIEWS_FOR_FIT

    crossed = []
    for pair_id, n in counts.items():
        # The UPDATE locks the pair row until commit, so the count read next is exactly ours.
        UserLanguagePair.objects.filter(pk=pair_id).update(review_count=F("review_count") + n)
        row = UserLanguagePair.objects.filter(pk=pair_id).values_list("review_count", "fsrs_reviews_at_fit").first()
        if row and row[1] == 0 and row[0] >= MIN_REVIEWS_FOR_FIT > row[0] - n:
            crossed.append(pair_id)
    return crossed


def _enqueue_fits(pair_ids: list[uuid.UUID]) -> None:
    if pair_ids:
        from ..tasks import fsrs_parameters_fit_job

        transaction.on_commit(lambda: [fsrs_parameters_fit_job.send(str(p)) for p in pair_ids])


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
    returned (`duplicate=True`)."""
    rating = parse_rating(rating)
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
        event = _schedule(
            card, rating=rating, reviewed_at=reviewed_at, duration_ms=duration_ms, client_event_id=client_event_id
        )
        card.save(update_fields=[*FSRS_FIELDS, "updated_at"])
        try:
            with transaction.atomic():
                event.save(force_insert=True)
        except IntegrityError:
            # The same client_event_id raced in on another card of this learner.
            raise Conflict("client_event_id was already used.", code="client_event_id_reused")
        _enqueue_fits(_count_reviews({card.pair_id: 1}))
    return ReviewOutcome(event=event, card=card, duplicate=False)


@dataclass
class SyncResult:
    index: int
    client_event_id: str | None
    status: str  # applied | duplicate | rejected
    reason: str | None = None
    event_id: uuid.UUID | None = None
    card_id: uuid.UUID | None = None


def _parse_event(raw: Any, now: datetime) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InvalidInput("Each event must be an object.")
    client_event_id = raw.get("client_event_id")
    if not isinstance(client_event_id, str) or not 0 < len(client_event_id) <= 64:
        raise InvalidInput("client_event_id is required (a string of at most 64 characters).")
    try:
        card_id = uuid.UUID(str(raw.get("card")))
    except ValueError:
        raise InvalidInput("card must be a flashcard id.")
    reviewed_at = parse_datetime(raw["reviewed_at"]) if isinstance(raw.get("reviewed_at"), str) else None
    if reviewed_at is None:
        raise InvalidInput("reviewed_at is required (ISO 8601 with a time zone).")
    check_reviewed_at(reviewed_at, now=now)
    duration_ms = raw.get("duration_ms")
    if duration_ms is not None and (
        not isinstance(duration_ms, int) or isinstance(duration_ms, bool) or not 0 <= duration_ms <= 86_400_000
    ):
        raise InvalidInput("duration_ms must be a whole number of milliseconds (at most a day).")
    return {
        "client_event_id": client_event_id,
        "card_id": card_id,
        "rating": parse_rating(raw.get("rating")),
        "reviewed_at": reviewed_at,
        "duration_ms": duration_ms,
    }


def reviews_sync(*, user, events: list[Any], now: datetime | None = None) -> list[SyncResult]:
    """Apply reviews made offline, idempotently. Each event is applied, a duplicate (its client_event_id
    was applied before, or earlier in this batch) or rejected with the reason; events of one card are
    applied in `reviewed_at` order. Everything is written in one transaction: a failure applies
    nothing and the client retries the same batch safely."""
    if not isinstance(events, list):
        raise InvalidInput("events must be a list.")
    if len(events) > MAX_SYNC_EVENTS:
        raise InvalidInput(f"At most {MAX_SYNC_EVENTS} events per sync.", code="too_many_events")
    now = now or timezone.now()
    results: list[SyncResult] = []
    valid: list[tuple[SyncResult, dict[str, Any]]] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(events):
        client_event_id = raw.get("client_event_id") if isinstance(raw, dict) else None
        result = SyncResult(
            index=index,
            client_event_id=client_event_id if isinstance(client_event_id, str) else None,
            status="rejected",
        )
        results.append(result)
        try:
            parsed = _parse_event(raw, now)
        except InvalidInput as exc:
            result.reason = exc.detail
            continue
        result.card_id = parsed["card_id"]
        if parsed["client_event_id"] in seen_ids:
            result.status, result.reason = "duplicate", "repeated within this batch"
            continue
        seen_ids.add(parsed["client_event_id"])
        valid.append((result, parsed))
    if not valid:
        return results

    with transaction.atomic():
        # Lock in id order, so two syncs touching the same cards cannot deadlock.
        cards = {
            card.pk: card
            for card in Flashcard.objects.select_for_update(of=("self",))
            .select_related("pair")
            .filter(user=user, pk__in={p["card_id"] for _, p in valid})
            .order_by("pk")
        }
        already = dict(
            FlashcardEvent.objects.filter(user=user, client_event_id__in=seen_ids).values_list("client_event_id", "id")
        )
        to_insert: list[FlashcardEvent] = []
        touched: dict[uuid.UUID, Flashcard] = {}
        per_pair: dict[uuid.UUID, int] = defaultdict(int)
        for result, parsed in sorted(valid, key=lambda rp: (str(rp[1]["card_id"]), rp[1]["reviewed_at"])):
            if parsed["client_event_id"] in already:
                result.status, result.event_id = "duplicate", already[parsed["client_event_id"]]
                result.reason = "already applied"
                continue
            card = cards.get(parsed["card_id"])
            if card is None:
                result.reason = "flashcard not found"
                continue
            if card.suspended:
                result.reason = "card is suspended"
                continue
            try:
                event = _schedule(
                    card,
                    rating=parsed["rating"],
                    reviewed_at=parsed["reviewed_at"],
                    duration_ms=parsed["duration_ms"],
                    client_event_id=parsed["client_event_id"],
                )
            except InvalidInput as exc:
                result.reason = exc.detail
                continue
            result.status, result.event_id = "applied", event.id
            to_insert.append(event)
            touched[card.pk] = card
            per_pair[card.pair_id] += 1
        if to_insert:
            try:
                with transaction.atomic():
                    FlashcardEvent.objects.bulk_create(to_insert, batch_size=500)
            except IntegrityError:
                # One of these client_event_ids was just used by a concurrent request on other cards:
                # apply nothing; the retry sees it as a duplicate.
                raise Conflict("A concurrent sync used some of these events; retry.", code="sync_conflict")
            for card in touched.values():
                card.updated_at = now
            Flashcard.objects.bulk_update(list(touched.values()), [*FSRS_FIELDS, "updated_at"], batch_size=500)
            _enqueue_fits(_count_reviews(per_pair))
    return results
