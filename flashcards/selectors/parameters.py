"""What a learner needs to choose their FSRS settings: how well their parameters predict their own
reviews (against the defaults), and what each desired retention would cost in reviews per day. Both
come from `fsrs-rs-python`, the Rust FSRS Anki ships: `FSRS.evaluate` and `simulate`."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from copy import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from fsrs import Card, Rating, State
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, default_simulator_config, simulate

from langlearn.errors import InvalidInput
from vocab.models import UserLanguagePair

from ..models import Flashcard
from ..scheduling import FSRS_FIELDS, fsrs_parameter_problems, scheduler_for, to_fsrs
from .history import fsrs_items, review_histories_for_pair

WORKLOAD_RETENTIONS = (0.80, 0.85, 0.90, 0.95)
WORKLOAD_HORIZONS = (30, 90)
SIMULATION_SEED = 2026  # the same figures on every call for the same deck
STUDIED_SAMPLE = 1000  # studied cards simulated one by one; more are sampled and scaled


def _rust[T](call: Callable[..., T], *args: Any) -> T:
    """fsrs-rs reports bad input by panicking, which pyo3 raises as a BaseException: turn it into a
    400 instead of letting it past every `except Exception`."""
    try:
        return call(*args)
    except Exception as exc:
        raise InvalidInput(f"FSRS could not compute this: {exc}", code="fsrs_failed")
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise
        raise InvalidInput(f"FSRS could not compute this: {exc}", code="fsrs_failed")


def pair_parameters(pair: UserLanguagePair) -> tuple[list[float], bool]:
    """(the parameters the pair is scheduled with, whether they are its own fitted ones)."""
    if pair.fsrs_parameters and not fsrs_parameter_problems([float(p) for p in pair.fsrs_parameters]):
        return [float(p) for p in pair.fsrs_parameters], True
    return list(DEFAULT_PARAMETERS), False


def fsrs_parameters_quality(*, pair: UserLanguagePair) -> dict[str, Any]:
    """Log loss and RMSE (binned, as Anki shows it) of the pair's parameters and of the defaults over
    the pair's own review history; lower is better. Measured on the history the parameters were fitted
    on, as Anki's "Evaluate" does."""
    parameters, fitted = pair_parameters(pair)
    count, histories = review_histories_for_pair(pair)
    items = fsrs_items(histories, pair.user.zone) if count else []
    body: dict[str, Any] = {
        "language_pair": str(pair.pk),
        "reviews": count,
        "items": len(items),
        "fitted": fitted,
        "fitted_at": pair.fsrs_parameters_fitted_at,
        "parameters": parameters,
        "current": None,
        "defaults": None,
    }
    if not items:
        return body
    for key, params in (("current", parameters), ("defaults", list(DEFAULT_PARAMETERS))):
        evaluation = _rust(FSRS(params).evaluate, items)
        body[key] = {"log_loss": round(evaluation.log_loss, 5), "rmse": round(evaluation.rmse_bins, 5)}
    return body


def _deck(pair: UserLanguagePair) -> dict[str, int]:
    return Flashcard.objects.filter(pair=pair, suspended=False).aggregate(
        cards=Count("id"), new=Count("id", filter=Q(last_review__isnull=True))
    )


def _studied_cards(pair: UserLanguagePair) -> tuple[int, list[Card]]:
    """(how many studied cards, a seeded sample of at most STUDIED_SAMPLE of them as fsrs Cards)."""
    rows = list(
        Flashcard.objects.filter(pair=pair, suspended=False, last_review__isnull=False)
        .order_by("pk")
        .values("id", *FSRS_FIELDS)
    )
    sample = random.Random(SIMULATION_SEED).sample(rows, STUDIED_SAMPLE) if len(rows) > STUDIED_SAMPLE else rows
    return len(rows), [to_fsrs(row) for row in sample]


def _simulate_studied(
    cards: list[Card], scale: float, *, parameters: list[float], retention: float, now: datetime, horizon: int
) -> dict[str, list[float]]:
    """The reviews the learner's studied cards will ask for, day by day: each card is reviewed when due,
    recalled with the probability FSRS gives at that moment (seeded draws), rated Good if recalled and
    Again if not, by `fsrs`'s own scheduler at `retention`. A card in Review takes the interval the new
    retention gives from its last review, as it would after rescheduling. fsrs-rs's simulator cannot
    start from existing cards in this binding, hence this loop; costs per review are its defaults."""
    scheduler = scheduler_for(parameters, retention)
    costs = default_simulator_config().state_rating_costs  # seconds, [learning, review, relearning][rating]
    end = now + timedelta(days=horizon)
    reviews, seconds = [0.0] * horizon, [0.0] * horizon
    memorized = 0.0
    rng = random.Random(SIMULATION_SEED)
    for card in cards:
        if card.state == State.Review and card.stability and card.last_review:
            days = (card.stability / _factor(scheduler)) * (retention ** (1 / _decay(scheduler)) - 1)
            card.due = card.last_review + timedelta(days=min(max(round(days), 1), scheduler.maximum_interval))
        when = max(card.due, now)
        while when < end:
            recalled = rng.random() < scheduler.get_card_retrievability(card, when)
            rating = Rating.Good if recalled else Rating.Again
            day = (when - now).days
            reviews[day] += scale
            seconds[day] += scale * costs[int(card.state) - 1][int(rating) - 1]
            card, _ = scheduler.review_card(card, rating, review_datetime=when)
            when = max(card.due, when + timedelta(minutes=1))
        memorized += scale * scheduler.get_card_retrievability(card, end)
    return {"reviews": reviews, "seconds": seconds, "memorized": [memorized]}


def _decay(scheduler) -> float:
    return -scheduler.parameters[20]


def _factor(scheduler) -> float:
    return 0.9 ** (1 / _decay(scheduler)) - 1


def workload_simulation(
    *, pair: UserLanguagePair, retentions: tuple[float, ...] = WORKLOAD_RETENTIONS, now: datetime | None = None
) -> dict[str, Any]:
    """Reviews per day over the next 30 and 90 days at each desired retention, with the pair's
    parameters: the cards not yet studied go through fsrs-rs's simulator (at the pair's daily new-card
    limit), the studied ones through `_simulate_studied` from their current state; both seeded, so the
    same deck gives the same figures."""
    now = (now or timezone.now()).astimezone(UTC)
    parameters, fitted = pair_parameters(pair)
    deck = _deck(pair)
    studied_count, studied = _studied_cards(pair)
    scale = studied_count / len(studied) if studied else 0.0
    horizon = max(WORKLOAD_HORIZONS)
    results = []
    for retention in sorted({*retentions, round(float(pair.desired_retention), 2)}):
        days = {"reviews": [0.0] * horizon, "seconds": [0.0] * horizon, "memorized": 0.0}
        # The simulator panics on an empty deck, and with no new cards allowed nothing is learnt.
        if deck["new"] and pair.daily_new_cards:
            config = default_simulator_config()
            config.deck_size = deck["new"]
            config.learn_span = horizon
            config.learn_limit = pair.daily_new_cards
            sim = _rust(simulate, parameters, retention, config, SIMULATION_SEED)
            days["reviews"] = [float(n) for n in sim.review_cnt_per_day]
            days["seconds"] = list(sim.cost_per_day)
            days["memorized"] = sim.memorized_cnt_per_day[-1]
        if studied:
            old = _simulate_studied(
                [copy(c) for c in studied], scale, parameters=parameters, retention=retention, now=now, horizon=horizon
            )
            days["reviews"] = [a + b for a, b in zip(days["reviews"], old["reviews"], strict=True)]
            days["seconds"] = [a + b for a, b in zip(days["seconds"], old["seconds"], strict=True)]
            days["memorized"] += old["memorized"][0]
        results.append(
            {
                "desired_retention": retention,
                "current": retention == round(float(pair.desired_retention), 2),
                **{f"reviews_per_day_{n}": round(statistics.fmean(days["reviews"][:n]), 1) for n in WORKLOAD_HORIZONS},
                **{
                    f"minutes_per_day_{n}": round(statistics.fmean(days["seconds"][:n]) / 60, 1)
                    for n in WORKLOAD_HORIZONS
                },
                "memorized_after_90_days": round(days["memorized"], 1),
                "reviews_by_day": [round(n) for n in days["reviews"]],
            }
        )
    return {
        "language_pair": str(pair.pk),
        "fitted": fitted,
        "deck_size": deck["cards"],
        "new_cards": deck["new"],
        "studied_cards": studied_count,
        "daily_new_cards": pair.daily_new_cards,
        "days": horizon,
        "retentions": results,
    }
