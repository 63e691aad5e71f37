"""Language pair rules: which pairs a learner may have, and what changing a pair's settings does."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from flashcards.services import flashcards_create_for_entries
from langlearn import storage
from langlearn.errors import Conflict, InvalidInput
from langlearn.languages import base_language, is_supported

from ..models import LearnableWordBankEntry, UserLanguagePair

# Fields a learner may change on an existing pair. The languages are the pair's identity: a learner
# who wants another pair creates one (changing them would orphan every card's translation direction).
PAIR_SETTINGS = (
    "level",
    "is_active",
    "daily_new_cards",
    "production_cards_enabled",
    "desired_retention",
    "fsrs_parameters",
    "coverage_target",
    "new_words_per_100",
    "revision_rounds",
)
FSRS_PARAMETER_COUNT = 21


def _check_languages(source_language: str, target_language: str) -> None:
    for name, code in (("source_language", source_language), ("target_language", target_language)):
        if not is_supported(code):
            raise InvalidInput(f"Unsupported language: {code}.", code="unsupported_language", extra={"field": name})
    if base_language(source_language) == base_language(target_language):
        raise InvalidInput("Source and target language must differ.", code="same_language")


def validate_fsrs_parameters(parameters: Any) -> list[float] | None:
    """None (use the defaults) or exactly 21 finite floats within the bounds `fsrs.Scheduler` accepts
    (its own constants, so the two cannot disagree): a pair saved with parameters the scheduler
    refuses could not be reviewed at all."""
    if parameters is None:
        return None
    if not isinstance(parameters, list | tuple) or len(parameters) != FSRS_PARAMETER_COUNT:
        raise InvalidInput(f"fsrs_parameters must be a list of {FSRS_PARAMETER_COUNT} numbers.", code="invalid")
    try:
        values = [float(p) for p in parameters]
    except (TypeError, ValueError):
        raise InvalidInput("fsrs_parameters must be numbers.", code="invalid")
    if any(v != v or v in (float("inf"), float("-inf")) for v in values):
        raise InvalidInput("fsrs_parameters must be finite numbers.", code="invalid")
    problems = [
        f"fsrs_parameters[{i}] = {v} is outside [{lo}, {hi}]"
        for i, (v, lo, hi) in enumerate(zip(values, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True))
        if not lo <= v <= hi
    ]
    if problems:
        raise InvalidInput(
            "FSRS would refuse these parameters: " + "; ".join(problems) + ".",
            code="fsrs_parameters_out_of_bounds",
            extra={"field": "fsrs_parameters"},
        )
    return values


def pair_create(
    *,
    user,
    source_language: str,
    target_language: str,
    level: str = "A1",
    **settings: Any,
) -> UserLanguagePair:
    _check_languages(source_language, target_language)
    unknown = set(settings) - set(PAIR_SETTINGS)
    if unknown:
        raise InvalidInput(f"Unknown settings: {', '.join(sorted(unknown))}.")
    if "fsrs_parameters" in settings:
        settings["fsrs_parameters"] = validate_fsrs_parameters(settings["fsrs_parameters"])
    pair = UserLanguagePair(
        user=user, source_language=source_language, target_language=target_language, level=level, **settings
    )
    try:
        # A savepoint, so a duplicate (two taps, two requests) answers 409 instead of breaking an outer
        # transaction.
        with transaction.atomic():
            pair.save()
    except IntegrityError:
        raise Conflict("You already have this language pair.", code="language_pair_exists")
    return pair


def pair_update(*, pair: UserLanguagePair, **changes: Any) -> UserLanguagePair:
    unknown = set(changes) - set(PAIR_SETTINGS)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "fsrs_parameters" in changes:
        changes["fsrs_parameters"] = validate_fsrs_parameters(changes["fsrs_parameters"])
    production_turned_on = changes.get("production_cards_enabled") is True and not pair.production_cards_enabled
    for field, value in changes.items():
        setattr(pair, field, value)
    with transaction.atomic():
        pair.save(update_fields=[*changes, "updated_at"])
        if production_turned_on:
            # Entries added while production was off get their produce card now; an entry's existing
            # cards are left as they are.
            entry_ids = list(LearnableWordBankEntry.objects.filter(pair=pair).values_list("id", flat=True))
            flashcards_create_for_entries(pair=pair, entry_ids=entry_ids)
    return pair


def pair_delete(*, pair: UserLanguagePair) -> None:
    """Deletes the pair's entries, cards and events (cascade) and, once committed, their audio."""
    audio_keys = list(
        LearnableWordBankEntry.objects.filter(pair=pair).exclude(audio="").values_list("audio", flat=True)
    )
    with transaction.atomic():
        pair.delete()
        transaction.on_commit(lambda: [storage.delete(key) for key in audio_keys])
