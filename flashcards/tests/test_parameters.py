"""Parameter quality (fsrs-rs evaluation) and workload simulation (fsrs-rs simulator): shapes over
HTTP, and the figures behave as FSRS says they should."""

import pytest
from django.core.management import call_command

from vocab.models import UserLanguagePair
from vocab.tests.factories import card_for

from .test_fitting import seed_history

pytestmark = pytest.mark.django_db


def test_quality_of_defaults_and_of_a_fit(auth_client, pair):
    seed_history(pair, reviews=720)
    r = auth_client.get("/api/flashcards/parameters", {"language_pair": str(pair.pk)})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["reviews"], body["fitted"]) == (720, False)
    assert body["items"] > 0
    assert body["current"] == body["defaults"]
    assert 0 < body["defaults"]["log_loss"] < 1
    assert 0 < body["defaults"]["rmse"] < 1

    call_command("fit_fsrs_parameters", "--pair", str(pair.pk), verbosity=0)
    fitted = auth_client.get("/api/flashcards/parameters", {"language_pair": str(pair.pk)}).json()
    assert fitted["fitted"] is True
    assert fitted["defaults"] == body["defaults"]
    # Fitted on these reviews, the learner's parameters predict them better than the defaults.
    assert fitted["current"]["log_loss"] < fitted["defaults"]["log_loss"]


def test_quality_without_reviews_has_null_figures(auth_client, pair):
    body = auth_client.get("/api/flashcards/parameters", {"language_pair": str(pair.pk)}).json()
    assert (body["reviews"], body["current"], body["defaults"]) == (0, None, None)


def test_workload_costs_more_at_higher_retention(auth_client, pair):
    UserLanguagePair.objects.filter(pk=pair.pk).update(desired_retention=0.87, daily_new_cards=15)
    for _ in range(100):
        card_for(pair)
    body = auth_client.get("/api/flashcards/workload", {"language_pair": str(pair.pk)}).json()
    assert (body["deck_size"], body["daily_new_cards"], body["days"]) == (200, 15, 90)
    rows = body["retentions"]
    assert [r["desired_retention"] for r in rows] == [0.8, 0.85, 0.87, 0.9, 0.95]
    assert [r["current"] for r in rows] == [False, False, True, False, False]
    assert all(len(r["reviews_by_day"]) == 90 for r in rows)
    per_day = [r["reviews_per_day_90"] for r in rows]
    assert per_day == sorted(per_day)
    assert per_day[0] < per_day[-1]
    assert rows[-1]["memorized_after_90_days"] > rows[0]["memorized_after_90_days"]
    # Same deck, same figures: the simulation is seeded.
    again = auth_client.get("/api/flashcards/workload", {"language_pair": str(pair.pk)}).json()
    assert again == body


def test_empty_deck_and_other_learners_pair(auth_client, pair, other_pair):
    body = auth_client.get("/api/flashcards/workload", {"language_pair": str(pair.pk)}).json()
    assert all(r["reviews_per_day_30"] == 0 for r in body["retentions"])
    for url in ("/api/flashcards/workload", "/api/flashcards/parameters"):
        assert auth_client.get(url, {"language_pair": str(other_pair.pk)}).status_code == 404
        assert auth_client.get(url, {"language_pair": "x"}).status_code == 400
        assert auth_client.get(url).status_code == 400


def test_workload_counts_the_cards_already_studied(auth_client, pair):
    """A learner with only studied cards (no new ones) still has reviews ahead: the studied cards are
    simulated from their current state, and a higher retention asks for more of them."""
    seed_history(pair, reviews=600)  # events only: 60 cards (and their 60 unreviewed produce twins)
    # Rescheduling computes the cards' states from those histories.
    assert auth_client.post("/api/flashcards/reschedule", {"language_pair": str(pair.pk)}).json()["changed"] == 60
    UserLanguagePair.objects.filter(pk=pair.pk).update(daily_new_cards=0)
    body = auth_client.get("/api/flashcards/workload", {"language_pair": str(pair.pk)}).json()
    assert body["studied_cards"] == 60
    rows = {r["desired_retention"]: r for r in body["retentions"]}
    assert rows[0.8]["reviews_per_day_90"] > 0
    assert rows[0.95]["reviews_per_day_90"] > rows[0.8]["reviews_per_day_90"]
    assert rows[0.95]["minutes_per_day_90"] > rows[0.8]["minutes_per_day_90"]
