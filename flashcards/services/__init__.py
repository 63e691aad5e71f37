"""Flashcard rules, re-exported so callers write `from flashcards.services import flashcard_review`."""

from .cards import flashcard_set_suspended, flashcards_create_for_entries
from .fitting import MIN_REVIEWS_FOR_FIT, FitResult, fsrs_parameters_fit
from .pronunciation import PronunciationResult, pronunciation_score
from .rescheduling import RescheduleResult, flashcards_reschedule
from .reviews import (
    MAX_SYNC_EVENTS,
    ReviewOutcome,
    SyncResult,
    flashcard_review,
    parse_rating,
    reviews_sync,
)

__all__ = [
    "MAX_SYNC_EVENTS",
    "MIN_REVIEWS_FOR_FIT",
    "FitResult",
    "PronunciationResult",
    "RescheduleResult",
    "ReviewOutcome",
    "SyncResult",
    "flashcard_review",
    "flashcard_set_suspended",
    "flashcards_create_for_entries",
    "flashcards_reschedule",
    "fsrs_parameters_fit",
    "parse_rating",
    "pronunciation_score",
    "reviews_sync",
]
