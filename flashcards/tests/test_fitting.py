import random
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from fsrs import Card, Rating, Scheduler
from fsrs_rs_python import DEFAULT_PARAMETERS

from flashcards.models import FlashcardEvent
from flashcards.tasks import fsrs_parameters_fit_job
from langlearn.testing import run_jobs
from vocab.models import UserLanguagePair
from vocab.tests.factories import PairFactory, card_for


def seed_history(pair, *, reviews: int, cards: int = 60, seed: int = 7) -> int:
    """A plausible review history made by `fsrs` itself: each card reviewed at its due time, mostly
    remembered. Written directly: these tests are about fitting, not about the review endpoint."""
    rng = random.Random(seed)
    scheduler = Scheduler(enable_fuzzing=False)
    start = timezone.now() - timedelta(days=400)
    events = []
    per_card = max(1, reviews // cards)
    for _ in range(cards):
        card = card_for(pair)
        fsrs_card = Card(card_id=card.fsrs_card_id, due=start)
        when = start + timedelta(hours=rng.randint(0, 48))
        for _ in range(per_card):
            rating = (
                Rating.Again
                if rng.random() < 0.15
                else rng.choice([Rating.Good, Rating.Good, Rating.Hard, Rating.Easy])
            )
            fsrs_card, _ = scheduler.review_card(fsrs_card, rating, review_datetime=when)
            events.append(
                FlashcardEvent(
                    card=card, user=pair.user, rating=int(rating), reviewed_at=when, state_before={}, state_after={}
                )
            )
            when = max(fsrs_card.due, when + timedelta(minutes=1)) + timedelta(hours=rng.randint(0, 20))
    FlashcardEvent.objects.bulk_create(events)
    return len(events)


@pytest.mark.django_db
def test_fewer_than_512_reviews_keep_the_defaults(user):
    pair = PairFactory(user=user)
    seed_history(pair, reviews=300, cards=30)
    call_command("fit_fsrs_parameters", "--pair", str(pair.pk), "--min-reviews", "512", verbosity=0)
    pair.refresh_from_db()
    assert pair.fsrs_parameters is None


@pytest.mark.django_db
def test_command_fits_every_pair_with_enough_reviews(user, other_user, capsys):
    big = PairFactory(user=user)
    small = PairFactory(user=other_user)
    n = seed_history(big, reviews=720)
    seed_history(small, reviews=100, cards=10)
    call_command("fit_fsrs_parameters", "--dry-run", verbosity=0)
    big.refresh_from_db()
    assert big.fsrs_parameters is None
    call_command("fit_fsrs_parameters", verbosity=0)
    big.refresh_from_db()
    small.refresh_from_db()
    assert len(big.fsrs_parameters) == 21
    assert big.fsrs_parameters != pytest.approx(list(DEFAULT_PARAMETERS))  # really fitted, not the defaults
    assert big.fsrs_reviews_at_fit == n
    assert big.fsrs_parameters_fitted_at is not None
    assert small.fsrs_parameters is None
    assert "1 pairs: 1 fitted" in capsys.readouterr().out
    # Fitted pairs are not refitted until they go stale.
    call_command("fit_fsrs_parameters", verbosity=0)
    assert "0 pairs" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_review_that_reaches_512_enqueues_a_fit(auth_client, user, broker, worker):
    pair = PairFactory(user=user)
    n = seed_history(pair, reviews=600)
    UserLanguagePair.objects.filter(pk=pair.pk).update(review_count=511)
    card = card_for(pair)
    r = auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good", "client_event_id": str(uuid.uuid4())})
    assert r.status_code == 201
    run_jobs(broker, worker, fsrs_parameters_fit_job.queue_name)
    pair.refresh_from_db()
    assert pair.review_count == 512
    assert len(pair.fsrs_parameters) == 21
    assert pair.fsrs_reviews_at_fit == n + 1
    # The fitted parameters now schedule this pair's reviews.
    assert auth_client.get(f"/api/vocab/language-pairs/{pair.pk}").json()["fsrs_parameters"] == pair.fsrs_parameters


@pytest.mark.django_db
def test_a_fitted_pair_is_refitted_after_n_new_reviews_not_after_every_review(
    auth_client, pair, settings, django_capture_on_commit_callbacks
):
    settings.FSRS_REFIT_AFTER_REVIEWS = 3
    UserLanguagePair.objects.filter(pk=pair.pk).update(review_count=600, fsrs_reviews_at_fit=600)
    card = card_for(pair)
    enqueued = []
    for _ in range(7):  # reviews 601..607: the 603rd crosses the line (3 since the fit), once
        with django_capture_on_commit_callbacks() as callbacks:
            assert auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good"}).status_code == 201
        enqueued.append(len(callbacks))
    assert enqueued == [0, 0, 1, 0, 0, 0, 0]
