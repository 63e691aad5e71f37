"""Rescheduling replays each card's history with the pair's current parameters: due dates move
exactly as the `fsrs` package replaying the same history predicts, and a second run changes nothing."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from fsrs import Card, Rating, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from flashcards.models import Flashcard, FlashcardEvent
from flashcards.tasks import fsrs_parameters_fit_job
from langlearn.testing import run_jobs
from vocab.models import UserLanguagePair
from vocab.tests.factories import PairFactory, card_for

from .test_fitting import seed_history

URL = "/api/flashcards/reschedule"
# Valid FSRS-6 parameters far enough from the defaults to move every interval.
OTHER = [round(p * 1.5, 4) if i in (0, 1, 2, 3, 8, 10) else p for i, p in enumerate(DEFAULT_PARAMETERS)]


@pytest.fixture
def no_fuzz(settings):
    settings.FSRS_ENABLE_FUZZING = False


def _review_history(client, card, ratings):
    start = timezone.now() - timedelta(days=28)
    steps = []
    for i, rating in enumerate(ratings):
        when = start + timedelta(days=4 * i)
        r = client.post(
            f"/api/flashcards/{card.pk}/reviews", {"rating": rating.name.lower(), "reviewed_at": when.isoformat()}
        )
        assert r.status_code == 201, r.json()
        steps.append((when.astimezone(UTC), rating))
    return steps


def _expected(parameters, card, steps):
    scheduler = Scheduler(parameters=parameters, enable_fuzzing=False)
    expected = Card(card_id=card.fsrs_card_id)
    for when, rating in steps:
        expected, _ = scheduler.review_card(expected, rating, review_datetime=when)
    return expected


@pytest.mark.django_db
def test_reschedule_moves_due_dates_as_replay_predicts(auth_client, pair, no_fuzz):
    cards = [card_for(pair) for _ in range(3)]
    histories = [_review_history(auth_client, c, [Rating.Good, Rating.Again, Rating.Good, Rating.Easy]) for c in cards]
    before = {c.pk: Flashcard.objects.get(pk=c.pk).due for c in cards}
    assert (
        auth_client.patch(f"/api/vocab/language-pairs/{pair.pk}", {"fsrs_parameters": OTHER}, format="json").status_code
        == 200
    )

    dry = auth_client.post(URL, {"language_pair": str(pair.pk), "dry_run": True}, format="json")
    assert dry.status_code == 200, dry.json()
    assert dry.json() == {
        "language_pair": str(pair.pk),
        "cards": 3,
        "changed": 3,
        "events_changed": 12,
        "dry_run": True,
    }
    assert {c.pk: Flashcard.objects.get(pk=c.pk).due for c in cards} == before

    r = auth_client.post(URL, {"language_pair": str(pair.pk)}, format="json")
    assert r.json()["changed"] == 3
    for card, steps in zip(cards, histories, strict=True):
        expected = _expected(OTHER, card, steps)
        card.refresh_from_db()
        assert card.due == expected.due != before[card.pk]
        assert card.stability == pytest.approx(expected.stability)
        last = FlashcardEvent.objects.filter(card=card).order_by("-reviewed_at").first()
        assert last.state_after["due"] == expected.due.isoformat()

    again = auth_client.post(URL, {"language_pair": str(pair.pk)}, format="json").json()
    assert (again["cards"], again["changed"], again["events_changed"]) == (3, 0, 0)


@pytest.mark.django_db
def test_reschedule_of_another_learners_pair_is_404(auth_client, other_pair):
    r = auth_client.post(URL, {"language_pair": str(other_pair.pk)}, format="json")
    assert r.status_code == 404
    assert auth_client.post(URL, {"language_pair": "nope"}, format="json").status_code == 400


@pytest.mark.django_db
def test_command_dry_run_then_run_then_nothing_left(auth_client, pair, no_fuzz, capsys):
    card = card_for(pair)
    _review_history(auth_client, card, [Rating.Good, Rating.Good])
    UserLanguagePair.objects.filter(pk=pair.pk).update(fsrs_parameters=OTHER)
    call_command("reschedule_cards", "--dry-run", verbosity=0)
    assert "1 cards replayed: 1 changed" in capsys.readouterr().out
    call_command("reschedule_cards", verbosity=0)
    assert "1 changed" in capsys.readouterr().out
    call_command("reschedule_cards", "--pair", str(pair.pk), verbosity=0)
    assert "1 cards replayed: 0 changed, 0 review states rewritten" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_fit_reschedules_when_the_learner_opted_in(auth_client, user, broker, worker, no_fuzz):
    pair = PairFactory(user=user, reschedule_on_fit=True)
    seed_history(pair, reviews=600)
    UserLanguagePair.objects.filter(pk=pair.pk).update(review_count=511)
    card = card_for(pair)
    r = auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good", "client_event_id": str(uuid.uuid4())})
    assert r.status_code == 201
    run_jobs(broker, worker, fsrs_parameters_fit_job.queue_name)
    pair.refresh_from_db()
    assert len(pair.fsrs_parameters) == 21
    # Every seeded card now carries the state its history gives under the fitted parameters.
    seeded = Flashcard.objects.filter(pair=pair, events__isnull=False).exclude(pk=card.pk).order_by("pk").first()
    history = [
        (e.reviewed_at.astimezone(UTC), Rating(e.rating))
        for e in FlashcardEvent.objects.filter(card=seeded).order_by("reviewed_at")
    ]
    assert len(history) == 10
    expected = _expected(pair.fsrs_parameters, seeded, history)
    assert (seeded.due, seeded.last_review) == (expected.due, expected.last_review)
