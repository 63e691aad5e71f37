from datetime import datetime

import pytest
from django.utils import timezone
from fsrs import Rating, Scheduler

from flashcards.models import Flashcard
from flashcards.scheduling import to_fsrs
from screens.serializers import ReviewScreenSerializer
from vocab.models import LearnableWordBankEntry
from vocab.tests.factories import PairFactory

from .conftest import assert_shape, due_card, word

URL = "/bff/review"
pytestmark = pytest.mark.django_db


def test_review_cards_carry_the_card_face_and_fsrs_intervals(auth_client, user, pair, settings, read_only):
    settings.FSRS_ENABLE_FUZZING = False
    due = [due_card(pair, f"palabra{i}", overdue_days=3 - i) for i in range(3)]
    entry = word(pair, "nueva", "new-cards", translation="new", example_sentence="Es nueva.")
    pair.daily_new_cards = 1
    pair.save()

    with read_only():
        response = auth_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert_shape(body, ReviewScreenSerializer())
    assert body["language_pair"] == str(pair.pk)
    cards = body["cards"]
    # Studied cards most overdue first, then one new card (the daily limit).
    assert [c["id"] for c in cards[:3]] == [str(c.pk) for c in due]
    assert [c["is_new"] for c in cards] == [False, False, False, True]
    new = cards[3]
    assert (new["entry"], new["text"], new["translation"], new["example_sentence"]) == (
        str(entry.pk), "nueva", "new", "Es nueva.",
    )  # fmt: skip
    assert new["direction"] in ("recognise", "produce")
    assert body["counts"] == {
        "due": 3,
        "due_capped": False,
        "new": 1,
        "in_batch": 4,
        "remaining_due": 0,
        "remaining_new": 0,
    }

    # The intervals are what fsrs itself schedules for the card's state, rated at the response's time.
    card = Flashcard.objects.get(pk=cards[0]["id"])
    intervals = cards[0]["intervals"]
    now = datetime.fromisoformat(intervals["good"]["due"]) - timezone.timedelta(
        seconds=intervals["good"]["interval_seconds"]
    )
    for rating in Rating:
        expected, _ = Scheduler(enable_fuzzing=False).review_card(to_fsrs(card), rating, review_datetime=now)
        got = intervals[rating.name.lower()]
        assert abs((datetime.fromisoformat(got["due"]) - expected.due).total_seconds()) < 2
    assert intervals["again"]["interval_seconds"] < intervals["good"]["interval_seconds"]
    assert intervals["good"]["interval_seconds"] <= intervals["easy"]["interval_seconds"]


def test_review_limit_and_remaining_counts(auth_client, pair):
    for i in range(5):
        due_card(pair, f"p{i}")
    for i in range(3):
        word(pair, f"n{i}", "new-cards")  # 6 new cards

    body = auth_client.get(URL, {"limit": 2}).json()

    assert len(body["cards"]) == 2
    assert body["counts"] == {
        "due": 5,
        "due_capped": False,
        "new": 6,
        "in_batch": 2,
        "remaining_due": 3,
        "remaining_new": 6,
    }


def test_review_audio_is_a_media_url(auth_client, pair):
    due_card(pair, "gato")
    LearnableWordBankEntry.objects.filter(pair=pair).update(audio="words/gato.wav")
    card = auth_client.get(URL).json()["cards"][0]
    assert card["audio_url"].endswith("words/gato.wav")


def test_review_for_a_chosen_pair_and_others_404(auth_client, user, pair, other_pair):
    french = PairFactory(user=user, target_language="fr")
    due_card(french, "chat")
    due_card(pair, "gato")

    body = auth_client.get(URL, {"language_pair": str(french.pk)}).json()
    assert [c["text"] for c in body["cards"]] == ["chat"]
    assert auth_client.get(URL, {"language_pair": str(other_pair.pk)}).status_code == 404


def test_review_without_pairs_is_empty(auth_client):
    body = auth_client.get(URL).json()
    assert body["cards"] == []
    assert body["language_pair"] is None
    assert_shape(body, ReviewScreenSerializer())


@pytest.mark.parametrize("limit", ["0", "101", "many", ""])
def test_review_bad_limit_is_400(auth_client, pair, limit):
    response = auth_client.get(URL, {"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()


@pytest.mark.parametrize("entries", [10, 500])
def test_review_query_count_is_constant(auth_client, pair, entries, django_assert_num_queries):
    for i in range(entries // 10):
        due_card(pair, f"due{i}")
    for i in range(entries):
        word(pair, f"w{i}", "no-cards")

    with django_assert_num_queries(7):
        body = auth_client.get(URL, {"limit": 100}).json()
    assert body["counts"]["due"] == entries // 10
