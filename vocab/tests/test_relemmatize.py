"""`manage.py relemmatize`: entries get the new analyser's lemma/POS/key; collisions are reported and
left unmerged (both entries and their cards and review history kept); idempotent; --dry-run."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from flashcards.models import Flashcard, FlashcardEvent
from vocab.models import LearnableWordBankEntry
from vocab.tests.factories import EntryFactory


def _run(*args: str) -> str:
    out = StringIO()
    call_command("relemmatize", *args, stdout=out)
    return out.getvalue()


def _card_with_review(entry) -> Flashcard:
    now = timezone.now()
    card = Flashcard.objects.create(user=entry.user, pair=entry.pair, entry=entry, due=now)
    FlashcardEvent.objects.create(
        card=card, user=entry.user, rating=3, reviewed_at=now, state_before={}, state_after={"state": 2}
    )
    return card


@pytest.mark.django_db
def test_relemmatize_fixes_old_lemmas_reports_collisions_and_loses_nothing(pair):
    # What the old lookup analyser stored: "libros" → "librar", "casas" → "casar" next to a "casa" entry.
    libros = EntryFactory(user=pair.user, pair=pair, text="libros", lemma="librar", normalized_lemma="librar")
    casa = EntryFactory(user=pair.user, pair=pair, text="casa", lemma="casa", normalized_lemma="casa")
    casas = EntryFactory(user=pair.user, pair=pair, text="casas", lemma="casar", normalized_lemma="casar")
    cards = [_card_with_review(e) for e in (casa, casas)]

    dry = _run("--dry-run")
    assert "would update" in dry
    assert LearnableWordBankEntry.objects.get(pk=libros.pk).normalized_lemma == "librar"

    out = _run()

    libros.refresh_from_db()
    assert (libros.lemma, libros.normalized_lemma, libros.part_of_speech) == ("libro", "libro", "NOUN")
    assert f"{casas.pk}" in out
    assert "collision" in out
    assert set(LearnableWordBankEntry.objects.values_list("pk", flat=True)) == {libros.pk, casa.pk, casas.pk}
    for card in cards:
        assert Flashcard.objects.filter(pk=card.pk, entry_id=card.entry_id).exists()
        assert FlashcardEvent.objects.filter(card=card).count() == 1

    again = _run()
    assert "updated 0" in again
    assert "1 collisions left unmerged" in again
