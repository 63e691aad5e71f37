"""Seeding helpers for the screens: a learner's word bank with cards in chosen FSRS states, review
history, articles, adventures and packs — rows built directly, no providers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from flashcards.models import CardState, Flashcard, FlashcardEvent
from langlearn import serializers
from vocab.tests.factories import EntryFactory, entry_with_cards

WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "CREATE", "ALTER", "DROP")


def word(pair, text: str, status: str, **kwargs: Any):
    """An entry whose cards make it `status` for the reader: "known" (every card in review and
    mature: stability ≥ 21 days),
    "learning" (one card still relearning), "new-cards" (never reviewed) or "no-cards"."""
    if status == "no-cards":
        return EntryFactory(pair=pair, text=text, lemma=kwargs.pop("lemma", text), **kwargs)
    entry, cards = entry_with_cards(pair, text=text, lemma=kwargs.pop("lemma", text), **kwargs)
    now = timezone.now()
    if status in ("known", "learning"):
        Flashcard.objects.filter(entry=entry).update(
            state=CardState.REVIEW, stability=30.0, difficulty=5.0, step=None,
            last_review=now - timedelta(days=3), due=now + timedelta(days=10),
        )  # fmt: skip
    if status == "learning":
        Flashcard.objects.filter(pk=cards[0].pk).update(state=CardState.RELEARNING, step=0)
    return entry


def due_card(pair, text: str, *, overdue_days: int = 1) -> Flashcard:
    """A studied card due now (recognise only: the produce card is pushed out of the queue)."""
    entry, cards = entry_with_cards(pair, text=text, lemma=text)
    now = timezone.now()
    Flashcard.objects.filter(entry=entry).update(
        state=CardState.REVIEW, stability=5.0, difficulty=5.0, step=None,
        last_review=now - timedelta(days=overdue_days + 5), due=now + timedelta(days=30),
    )  # fmt: skip
    recognise = next(c for c in cards if c.direction == "recognise")
    Flashcard.objects.filter(pk=recognise.pk).update(due=now - timedelta(days=overdue_days))
    recognise.refresh_from_db()
    return recognise


def review_event(
    card: Flashcard, *, days_ago: int, rating: int = 3, state_before: int = CardState.REVIEW, first: bool = False
):
    """A review `days_ago` days ago; `first`: the card's first ever review (it was new)."""
    reviewed_at = timezone.now() - timedelta(days=days_ago)
    before = None if first else (reviewed_at - timedelta(days=4)).isoformat()
    return FlashcardEvent.objects.create(
        card=card,
        user_id=card.user_id,
        rating=rating,
        reviewed_at=reviewed_at,
        state_before={"state": int(state_before), "last_review": before},
        state_after={"state": int(CardState.REVIEW), "last_review": reviewed_at.isoformat()},
    )


def assert_shape(data: Any, serializer: serializers.Field, path: str = "$") -> None:
    """The response has the keys its documented serializer declares (all the required ones, nothing
    undocumented), all the way down."""
    if isinstance(serializer, serializers.ListSerializer):
        assert isinstance(data, list), path
        for i, item in enumerate(data):
            assert_shape(item, serializer.child, f"{path}[{i}]")
        return
    if isinstance(serializer, serializers.Serializer):
        if data is None:
            assert serializer.allow_null, f"{path} is null"
            return
        required = {name for name, field in serializer.fields.items() if field.required}
        assert required <= set(data) <= set(serializer.fields), f"{path}: {sorted(set(data) ^ set(serializer.fields))}"
        for name, field in serializer.fields.items():
            if name in data:
                assert_shape(data[name], field, f"{path}.{name}")
        return
    if isinstance(serializer, serializers.ChoiceField) and data is not None:
        assert data in serializer.choices, f"{path}: {data!r}"


class ReadOnly(CaptureQueriesContext):
    """Every statement run inside is a read."""

    def __init__(self) -> None:
        super().__init__(connection)

    def __exit__(self, *exc) -> None:
        super().__exit__(*exc)
        writes = [q["sql"] for q in self.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]
        assert not writes, writes


@pytest.fixture
def read_only():
    return ReadOnly
