"""`manage.py relemmatize`: word-bank entries get the new analyser's lemma/POS/key; entries that now
share a key are merged into the oldest with every card and review kept (a card of the same direction
is replayed over both histories); status marks follow the key; idempotent; --dry-run changes nothing.
Pack entries and reader token caches: packs/tests/test_reanalysis.py, articles/tests/test_reanalysis.py."""

from datetime import UTC, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from flashcards.models import Flashcard, FlashcardEvent
from knowledge.models import WordStatusMark
from vocab.models import LearnableWordBankEntry
from vocab.tests.factories import EntryFactory, entry_with_cards

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("relemmatize", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def no_fuzz(settings):
    settings.FSRS_ENABLE_FUZZING = False


def _review(client, card, rating: str, when) -> None:
    r = client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": rating, "reviewed_at": when.isoformat()})
    assert r.status_code == 201, r.json()


def _old_entry(pair, text: str, old_lemma: str, **kwargs):
    """An entry as the old lookup analyser stored it (no POS, its lemma as the key), with its cards."""
    return entry_with_cards(pair, text=text, lemma=old_lemma, normalized_lemma=old_lemma, part_of_speech="", **kwargs)


def test_colliding_entries_merge_into_the_oldest_keeping_both_cards_histories(auth_client, pair, no_fuzz):
    start = timezone.now() - timedelta(days=20)
    casa, (casa_rec, casa_prod) = _old_entry(pair, "casa", "casa", translation="house")
    casa_prod.delete()  # added while production cards were off: only "casas" has a produce card
    casas, (casas_rec, casas_prod) = _old_entry(pair, "casas", "casar", translation="houses", audio="vocab/a.wav")
    libros, _ = _old_entry(pair, "libros", "librar")
    # Reviews of both recognise cards, interleaved in time, and of the merged entry's produce card.
    _review(auth_client, casa_rec, "good", start)
    _review(auth_client, casas_rec, "again", start + timedelta(days=1))
    _review(auth_client, casa_rec, "good", start + timedelta(days=3))
    _review(auth_client, casas_prod, "hard", start + timedelta(days=2))
    WordStatusMark.objects.create(user=pair.user, pair=pair, key="casar", status="known", source="reader")
    events_before = set(FlashcardEvent.objects.values_list("id", "rating", "reviewed_at", "client_event_id"))

    dry = _run("--dry-run")
    assert f"would merge: pair {pair.pk}: merged 'casas' ({casas.pk}) into 'casa' ({casa.pk})" in dry
    assert LearnableWordBankEntry.objects.filter(pair=pair).count() == 3
    assert Flashcard.objects.filter(entry=casas).count() == 2

    out = _run()

    assert f"merge: pair {pair.pk}: merged 'casas' ({casas.pk}) into 'casa' ({casa.pk})" in out
    assert "1 cards moved, 1 histories combined, 1 reviews moved" in out
    assert set(LearnableWordBankEntry.objects.values_list("pk", flat=True)) == {casa.pk, libros.pk}
    casa.refresh_from_db()
    libros.refresh_from_db()
    assert (casa.normalized_lemma, casa.part_of_speech, casa.translation) == ("casa", "NOUN", "house; houses")
    assert casa.audio == "vocab/a.wav"
    assert (libros.lemma, libros.normalized_lemma, libros.part_of_speech) == ("libro", "libro", "NOUN")
    # Every review is still there, with its rating and time.
    assert set(FlashcardEvent.objects.values_list("id", "rating", "reviewed_at", "client_event_id")) == events_before
    cards = {c.direction: c for c in Flashcard.objects.filter(entry=casa)}
    assert set(cards) == {"recognise", "produce"}
    assert cards["recognise"].pk == casa_rec.pk
    # The merged entry's produce card moved whole; its recognise card gave its history to casa's.
    assert cards["produce"].pk == casas_prod.pk
    assert not Flashcard.objects.filter(pk=casas_rec.pk).exists()
    produce_events = auth_client.get(f"/api/flashcards/{casas_prod.pk}/events").json()["results"]
    assert [e["rating"] for e in produce_events] == ["hard"]
    # The recognise card is the replay of both histories in reviewed_at order (checked with fsrs itself).
    steps = [(start, Rating.Good), (start + timedelta(days=1), Rating.Again), (start + timedelta(days=3), Rating.Good)]
    expected, scheduler = Card(card_id=casa_rec.fsrs_card_id), Scheduler(enable_fuzzing=False)
    for when, rating in steps:
        expected, _ = scheduler.review_card(expected, rating, review_datetime=when.astimezone(UTC))
    rec = cards["recognise"]
    assert (rec.due, rec.last_review) == (expected.due, expected.last_review)
    assert rec.stability == pytest.approx(expected.stability)
    events = auth_client.get(f"/api/flashcards/{rec.pk}/events").json()["results"]
    assert sorted(e["rating"] for e in events) == ["again", "good", "good"]
    # The learner's mark on the old key follows the word.
    assert list(WordStatusMark.objects.values_list("key", "status")) == [("casa", "known")]
    # Over HTTP, the word bank shows one "casa" with the new lemma.
    listed = auth_client.get("/api/vocab/entries", {"pair": str(pair.pk)}).json()["results"]
    assert sorted((e["text"], e["lemma"]) for e in listed) == [("casa", "casa"), ("libros", "libro")]

    again = _run()
    assert "update 0, 2 unchanged, merge 0" in again


def test_three_entries_of_one_word_become_one_with_every_review(auth_client, pair):
    start = timezone.now() - timedelta(days=10)
    entries = [_old_entry(pair, text, key) for text, key in (("casa", "casa"), ("casas", "casar"), ("Casas", "casas"))]
    for day, (_, (recognise, produce)) in enumerate(entries):
        _review(auth_client, recognise, "good", start + timedelta(days=day))
        _review(auth_client, produce, "again", start + timedelta(days=day, hours=1))

    out = _run("--batch-size", "1")

    assert out.count("merge: ") == 2
    (survivor,) = LearnableWordBankEntry.objects.filter(pair=pair)
    assert survivor.pk == entries[0][0].pk
    cards = Flashcard.objects.filter(entry=survivor)
    assert {c.direction: c.events.count() for c in cards} == {"recognise": 3, "produce": 3}
    assert FlashcardEvent.objects.count() == 6


@pytest.mark.parametrize("batch_size", ["1", "500"])
def test_a_key_moving_between_entries_is_not_a_collision(pair, batch_size):
    # "casas" (stored under "casar") needs "casa", which "libros" holds and is leaving for "libro".
    casas, _ = _old_entry(pair, "casas", "casar")
    libros, _ = _old_entry(pair, "libros", "casa")

    out = _run("--batch-size", batch_size)

    assert "merge 0" in out
    assert dict(LearnableWordBankEntry.objects.values_list("text", "normalized_lemma")) == {
        "casas": "casa",
        "libros": "libro",
    }
    assert Flashcard.objects.filter(entry__in=[casas, libros]).count() == 4


def test_a_mark_on_the_new_key_wins_and_the_old_one_stays(pair):
    _old_entry(pair, "casas", "casar")
    WordStatusMark.objects.create(user=pair.user, pair=pair, key="casar", status="known", source="reader")
    WordStatusMark.objects.create(user=pair.user, pair=pair, key="casa", status="ignored", source="reader")

    out = _run()

    assert "move 0 status marks (1 kept: the new key had one)" in out
    assert dict(WordStatusMark.objects.values_list("key", "status")) == {"casar": "known", "casa": "ignored"}


def test_a_part_of_speech_given_by_a_person_wins_over_the_analysis_of_a_lone_word(pair):
    # An editor's pack said "vino" is a noun (wine); alone, the analyser reads the verb "venir".
    vino = EntryFactory(pair=pair, text="vino", lemma="", normalized_lemma="vino", part_of_speech="noun")

    out = _run()

    vino.refresh_from_db()
    assert (vino.normalized_lemma, vino.part_of_speech) == ("vino", "noun")
    assert f"kept: pair {pair.pk}: 'vino' ({vino.pk}) kept as 'vino'" in out


def test_a_learners_run_touches_only_their_word_bank(pair, other_pair):
    mine = EntryFactory(pair=pair, text="libros", lemma="librar", normalized_lemma="librar")
    theirs = EntryFactory(pair=other_pair, text="libros", lemma="librar", normalized_lemma="librar")

    _run("--user", pair.user.email)

    assert LearnableWordBankEntry.objects.get(pk=mine.pk).normalized_lemma == "libro"
    assert LearnableWordBankEntry.objects.get(pk=theirs.pk).normalized_lemma == "librar"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--batch-size", "0"], "must be at least 1"),
        (["--pair", "nope"], "not an id"),
        (["--pair", "3f2b0000-0000-0000-0000-000000000000"], "no language pair with id"),
        (["--user", "nobody@example.com"], "no learner nobody@example.com"),
    ],
)
def test_mistakes_are_one_line_and_exit_status_2(args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
