"""What a learner needs to choose their FSRS settings: how well their parameters predict their own
reviews (against the defaults), and what each desired retention would cost in reviews per day. Both
come from `fsrs-rs-python`, the Rust FSRS Anki ships: `FSRS.evaluate` and `simulate`."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q
from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS, default_simulator_config, simulate

from langlearn.errors import InvalidInput
from vocab.models import UserLanguagePair

from ..models import Flashcard
from ..scheduling import fsrs_parameter_problems
from .history import fsrs_items, review_histories_for_pair

WORKLOAD_RETENTIONS = (0.80, 0.85, 0.90, 0.95)
WORKLOAD_HORIZONS = (30, 90)
SIMULATION_SEED = 2026  # the same figures on every call for the same deck


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


def workload_simulation(
    *, pair: UserLanguagePair, retentions: tuple[float, ...] = WORKLOAD_RETENTIONS
) -> dict[str, Any]:
    """Reviews per day over the next 30 and 90 days at each desired retention, from fsrs-rs's simulator
    with the pair's parameters, a deck the size of the pair's (unsuspended) cards and its daily new-card
    limit. The simulator starts every card as new (this binding takes no existing cards), so for a
    learner with many studied cards the first weeks are an estimate of the same deck learnt afresh;
    what matters for choosing is the difference between retentions, which it measures."""
    parameters, fitted = pair_parameters(pair)
    deck = _deck(pair)
    horizon = max(WORKLOAD_HORIZONS)
    results = []
    for retention in sorted({*retentions, round(float(pair.desired_retention), 2)}):
        if deck["cards"] == 0:  # the simulator panics on an empty deck; an empty deck costs nothing
            days = {"reviews": [0] * horizon, "learned": [0] * horizon, "seconds": [0.0] * horizon, "memorized": 0.0}
        else:
            config = default_simulator_config()
            config.deck_size = deck["cards"]
            config.learn_span = horizon
            config.learn_limit = pair.daily_new_cards
            sim = _rust(simulate, parameters, retention, config, SIMULATION_SEED)
            days = {
                "reviews": list(sim.review_cnt_per_day),
                "learned": list(sim.learn_cnt_per_day),
                "seconds": list(sim.cost_per_day),
                "memorized": sim.memorized_cnt_per_day[-1],
            }
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
                "reviews_by_day": days["reviews"],
            }
        )
    return {
        "language_pair": str(pair.pk),
        "fitted": fitted,
        "deck_size": deck["cards"],
        "new_cards": deck["new"],
        "daily_new_cards": pair.daily_new_cards,
        "days": horizon,
        "retentions": results,
    }
