"""Rows built directly (no providers): what tests of scheduling, lists and permissions start from."""

from __future__ import annotations

import factory

from accounts.tests.factories import AccountFactory
from flashcards.models import Flashcard
from flashcards.services import flashcards_create_for_entries
from vocab.models import LearnableWordBankEntry, UserLanguagePair
from vocab.services import normalize_key


class PairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserLanguagePair

    user = factory.SubFactory(AccountFactory)
    source_language = "en"
    target_language = "es"
    level = "A2"


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearnableWordBankEntry

    pair = factory.SubFactory(PairFactory)
    user = factory.LazyAttribute(lambda o: o.pair.user)
    text = factory.Sequence(lambda n: f"palabra{n}")
    lemma = factory.LazyAttribute(lambda o: o.text)
    normalized_lemma = factory.LazyAttribute(lambda o: normalize_key(o.lemma or o.text))
    translation = factory.Sequence(lambda n: f"word{n}")


def entry_with_cards(pair: UserLanguagePair, **kwargs) -> tuple[LearnableWordBankEntry, list[Flashcard]]:
    entry = EntryFactory(pair=pair, **kwargs)
    flashcards_create_for_entries(pair=pair, entry_ids=[entry.pk])
    cards = Flashcard.objects.filter(entry=entry)
    return entry, sorted(cards, key=lambda c: c.direction != "recognise")  # recognise first, as created


def card_for(pair: UserLanguagePair, direction: str = "recognise", **kwargs) -> Flashcard:
    _, cards = entry_with_cards(pair, **kwargs)
    return next(c for c in cards if c.direction == direction)
