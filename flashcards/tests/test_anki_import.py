"""A learner's Anki deck (made by the official `anki` library, both formats) into a word bank:
entries, audio, cards with Anki's state, revlog → events, FSRS memory state, idempotent re-import."""

from datetime import UTC, datetime, timedelta

import pytest
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, FSRSItem, FSRSReview

from flashcards.models import CardState, Direction, Flashcard, FlashcardEvent
from flashcards.services.anki_import import STATUS_HOOKS, anki_deck_import
from langlearn import storage
from langlearn.tests.anki_decks import make_package
from vocab.models import LearnableWordBankEntry

pytestmark = pytest.mark.django_db

DAY_MS = 86_400_000
T0 = int(datetime(2026, 9, 1, 9, tzinfo=UTC).timestamp() * 1000)


def deck_notes():
    return [
        {
            # reviewed four times, now a mature review card
            "fields": {"Front": "la casa", "Back": "the house<br>the home"},
            "audio": ("casa.mp3", b"ID3 casa"),
            "reviews": [
                (T0, 3, -600, 0, 0, 0),
                (T0 + DAY_MS, 3, 3, -600, 2500, 0),
                (T0 + 4 * DAY_MS, 1, -600, 3, 2300, 1),
                (T0 + 5 * DAY_MS, 3, 25, -600, 2300, 2),
            ],
            "card": {"type": 2, "queue": 2, "ivl": 25, "factor": 2300, "due": 40, "reps": 4, "lapses": 1},
        },
        {
            # a review card without any history: FSRS state from SM-2 ease and interval
            "fields": {"Front": "el perro", "Back": "the dog"},
            "card": {"type": 2, "queue": 2, "ivl": 10, "factor": 2500, "due": 5, "reps": 5},
        },
        {"fields": {"Front": "el gato", "Back": "the cat"}, "card": {"queue": -1}},  # new, suspended
        {"fields": {"Front": "", "Back": "nothing"}},  # no word: reported, not imported
    ]


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b", "legacy"])
def test_deck_with_history_becomes_entries_cards_and_events(pair, tmp_path, legacy):
    path = make_package(tmp_path / "mine.apkg", deck_notes(), legacy=legacy)
    report = anki_deck_import(pair=pair, source=path)

    assert report.format == ("anki21" if legacy else "anki21b")
    assert (report.notes, report.entries_created, report.reviews_imported) == (4, 3, 4)
    assert report.problems == [{"line": 4, "message": "the word (text) field is empty"}]
    assert (report.suspended, report.mature) == (1, 1)
    # stored once issue 15's statuses register their hook (flashcards cannot import them)
    assert report.lemma_statuses | {"changed": 0} == {
        "known": 1,
        "ignored": 1,
        "stored": bool(STATUS_HOOKS),
        "changed": 0,
    }
    casa = LearnableWordBankEntry.objects.get(pair=pair, text="la casa")
    assert casa.translation == "the house\nthe home"
    assert casa.source == "anki"
    assert storage.read_bytes(casa.audio) == b"ID3 casa"

    card = Flashcard.objects.get(entry=casa, direction=Direction.RECOGNISE)
    events = list(card.events.order_by("reviewed_at"))
    assert [e.rating for e in events] == [3, 3, 1, 3]
    assert events[0].reviewed_at == datetime.fromtimestamp(T0 / 1000, UTC)
    assert events[0].state_before["last_review"] is None
    assert [e.state_after["state"] for e in events] == [1, 2, 3, 2]
    assert [e.state_before for e in events[1:]] == [e.state_after for e in events[:-1]]
    assert datetime.fromisoformat(events[1].state_after["last_review"]) == events[1].reviewed_at
    assert datetime.fromisoformat(events[1].state_after["due"]) == events[1].reviewed_at + timedelta(days=3)
    expected = FSRS(list(DEFAULT_PARAMETERS)).memory_state(
        FSRSItem([FSRSReview(3, 0), FSRSReview(3, 1), FSRSReview(1, 3), FSRSReview(3, 1)])
    )
    assert card.stability == pytest.approx(expected.stability)
    assert card.difficulty == pytest.approx(expected.difficulty)
    assert card.state == CardState.REVIEW
    assert card.last_review == events[-1].reviewed_at
    assert not card.suspended

    dog = Flashcard.objects.get(entry__text="el perro", direction=Direction.RECOGNISE)
    assert dog.state == CardState.REVIEW
    sm2 = FSRS(list(DEFAULT_PARAMETERS)).memory_state_from_sm2(2.5, 10, 0.9)
    assert dog.stability == pytest.approx(sm2.stability)
    assert dog.due - dog.last_review == timedelta(days=10)
    assert not dog.events.exists()

    cat = Flashcard.objects.get(entry__text="el gato", direction=Direction.RECOGNISE)
    assert cat.suspended
    assert cat.last_review is None

    pair.refresh_from_db()
    assert pair.review_count == 4

    before = (
        list(Flashcard.objects.order_by("id").values()),
        FlashcardEvent.objects.count(),
        LearnableWordBankEntry.objects.count(),
    )
    again = anki_deck_import(pair=pair, source=path)
    assert (again.entries_created, again.reviews_imported, again.cards_scheduled) == (0, 0, 0)
    after = (
        list(Flashcard.objects.order_by("id").values()),
        FlashcardEvent.objects.count(),
        LearnableWordBankEntry.objects.count(),
    )
    assert after == before


def test_mapping_picks_fields_with_other_names(pair, tmp_path):
    path = make_package(
        tmp_path / "cloze.apkg",
        [{"fields": {"Text": "hablar", "Back Extra": "to speak"}}],
        notetype="Cloze",
    )
    report = anki_deck_import(pair=pair, source=path, mapping={"translation": "Back Extra"})
    assert report.entries_created == 1
    assert LearnableWordBankEntry.objects.get(pair=pair).translation == "to speak"


def test_mature_and_suspended_words_reach_the_status_hook(pair, tmp_path):
    """The hook is registered the way the statuses app would (STATUS_HOOKS.append)."""
    seen = []

    def hook(**kw):
        seen.append(kw)
        return 2

    path = make_package(tmp_path / "mine.apkg", deck_notes())
    STATUS_HOOKS.append(hook)
    try:
        report = anki_deck_import(pair=pair, source=path)
    finally:
        STATUS_HOOKS.remove(hook)
    assert report.lemma_statuses["known"] == 1
    assert report.lemma_statuses["ignored"] == 1
    assert report.lemma_statuses["stored"]
    assert report.lemma_statuses["changed"] >= 2
    assert [(s["known"], s["ignored"]) for s in seen] == [({"la casa"}, {"el gato"})]
