"""Statuses set by the apps below knowledge, over HTTP: reviews that make a card mature (or lapse
it) and an Anki import."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.tests.factories import ArticleFactory
from flashcards.models import CardState
from flashcards.services import reviews
from flashcards.tests.test_anki_import import deck_notes
from knowledge.models import WordStatusEvent, WordStatusMark
from langlearn.testing import run_jobs
from langlearn.tests.anki_decks import make_package
from vocab.tests.factories import card_for, entry_with_cards

from .test_api import STATUSES, colours, reader


def set_cards(cards, *, stability: float) -> None:
    now = timezone.now()
    for card in cards:
        card.state, card.step, card.stability, card.difficulty = CardState.REVIEW, None, stability, 5.0
        card.last_review, card.due = now - timedelta(days=20), now - timedelta(hours=1)
        card.save()


def review(client, card, rating: str):
    response = client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": rating}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def review_events(pair) -> list[tuple[str, str, str]]:
    rows = WordStatusEvent.objects.filter(pair=pair, source="review").order_by("id")
    return list(rows.values_list("key", "old_status", "new_status"))


@pytest.mark.django_db
def test_a_word_is_known_once_its_last_card_matures_and_learning_again_after_a_lapse(auth_client, pair):
    _, cards = entry_with_cards(pair, text="gato")
    assert len(cards) == 2  # recognise and produce
    set_cards(cards, stability=20.0)  # reviewed, one good answer short of mature
    article = ArticleFactory(pair=pair, body="El gato duerme.", translation="The cat sleeps.")
    assert colours(reader(auth_client, article))["gato"] == "learning"

    review(auth_client, cards[0], "good")
    assert review_events(pair) == []  # the other card is not mature yet: still learning
    # The last card through the offline sync, the other path reviews take.
    sync = auth_client.post(
        "/api/flashcards/reviews/sync",
        {
            "events": [
                {
                    "client_event_id": "s-1",
                    "card": str(cards[1].pk),
                    "rating": "good",
                    "reviewed_at": timezone.now().isoformat(),
                }
            ]
        },
        format="json",
    )
    assert sync.json()["results"][0]["status"] == "applied", sync.json()
    assert review_events(pair) == [("gato", "learning", "known")]
    assert colours(reader(auth_client, article))["gato"] == "known"

    review(auth_client, cards[0], "again")  # a lapse
    assert review_events(pair) == [("gato", "learning", "known"), ("gato", "known", "learning")]
    assert colours(reader(auth_client, article))["gato"] == "learning"
    assert not WordStatusMark.objects.filter(pair=pair).exists()  # the cards carry it, no mark


@pytest.mark.django_db
def test_a_lapse_drops_a_known_mark_so_the_word_follows_its_cards(auth_client, other_client, pair):
    _, cards = entry_with_cards(pair, text="perro")
    set_cards(cards[:1], stability=40.0)
    set_cards(cards[1:], stability=3.0)
    marked = auth_client.post(
        STATUSES, {"language_pair": str(pair.pk), "words": [{"word": "perro", "status": "known"}]}, format="json"
    )
    assert marked.json()["changed"] == 1

    review(auth_client, cards[1], "good")  # grows, stays immature: nothing to log
    assert review_events(pair) == []
    review(auth_client, cards[0], "again")
    assert review_events(pair) == [("perro", "known", "learning")]
    assert not WordStatusMark.objects.filter(pair=pair, key="perro").exists()
    listed = auth_client.get(STATUSES, {"language_pair": str(pair.pk), "search": "perro"}).json()["results"]
    assert [(r["word"], r["status"], r["source"]) for r in listed] == [("perro", "learning", "word_bank")]
    assert other_client.get(STATUSES).json()["results"] == []


@pytest.mark.django_db
def test_a_review_that_leaves_maturity_as_it_was_costs_no_query(auth_client, pair, monkeypatch):
    first, second = card_for(pair, text="uno"), card_for(pair, text="dos")
    with CaptureQueriesContext(connection) as hooked:
        review(auth_client, first, "good")
    monkeypatch.setattr(reviews, "MATURITY_HOOKS", [])
    with CaptureQueriesContext(connection) as bare:
        review(auth_client, second, "good")
    assert len(hooked) == len(bare)
    assert WordStatusEvent.objects.count() == 0


def upload(client, pair, tmp_path):
    path = make_package(tmp_path / "mine.apkg", deck_notes())
    response = client.post(
        f"/api/vocab/language-pairs/{pair.pk}/anki-import",
        {"file": SimpleUploadedFile("mine.apkg", path.read_bytes()), "mapping": json.dumps({"translation": "Back"})},
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    return response


@pytest.mark.django_db(transaction=True)
def test_an_anki_import_stores_known_and_ignored_words_in_one_undoable_batch(
    auth_client, other_client, pair, tmp_path, broker, worker
):
    upload(auth_client, pair, tmp_path)
    run_jobs(broker, worker)

    listed = auth_client.get(STATUSES, {"language_pair": str(pair.pk)}).json()["results"]
    statuses = {r["word"]: (r["status"], r["source"]) for r in listed}
    # suspended in Anki → ignored, a mark from the import
    assert statuses["el gato"] == ("ignored", "anki")
    # mature in Anki (interval 25 days) → known: a mark where its FSRS state here is not mature yet
    assert statuses["la casa"][0] == "known"
    assert statuses["el perro"] == ("learning", "word_bank")  # a 10-day interval: learning
    events = WordStatusEvent.objects.filter(pair=pair, source="anki")
    assert {(e.key, e.new_status) for e in events} >= {("el gato", "ignored")}
    assert len({e.batch for e in events}) == 1
    assert other_client.get(STATUSES).json()["results"] == []

    # A second import of the same deck changes nothing.
    upload(auth_client, pair, tmp_path)
    run_jobs(broker, worker)
    assert WordStatusEvent.objects.filter(pair=pair, source="anki").count() == events.count()

    undone = auth_client.post(f"{STATUSES}/undo", {"language_pair": str(pair.pk), "source": "anki"}, format="json")
    assert undone.status_code == 200, undone.json()
    assert undone.json()["changed"] == events.count()
    after = {r["word"]: r["status"] for r in auth_client.get(STATUSES).json()["results"]}
    assert after["el gato"] == "learning"  # back to following its (suspended) cards in the word bank
    again = auth_client.post(f"{STATUSES}/undo", {"language_pair": str(pair.pk), "source": "anki"}, format="json")
    assert again.json()["changed"] == 0
    bad = auth_client.post(f"{STATUSES}/undo", {"language_pair": str(pair.pk), "source": "review"}, format="json")
    assert bad.status_code == 400
    theirs = other_client.post(f"{STATUSES}/undo", {"language_pair": str(pair.pk), "source": "anki"}, format="json")
    assert theirs.status_code == 404
