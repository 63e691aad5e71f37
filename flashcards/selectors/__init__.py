"""Flashcard reads, re-exported: `from flashcards.selectors import due_cards_for_user`."""

from .cards import (
    DueWord,
    due_words_for_pair,
    events_for_card,
    flashcard_get_for_user,
    flashcards_for_user,
    target_words_for_pair,
)
from .days import review_summary
from .due import (
    MAX_DUE_LIMIT,
    due_cards_for_user,
    due_counts_for_user,
    due_queue_querysets,
    flashcard_preview_intervals,
    learner_day_start,
    new_cards_introduced_today,
    pair_for_due_queue,
)
from .parameters import fsrs_parameters_quality, workload_simulation
from .stats import flashcard_stats, review_activity, streaks
from .words import card_is_mature, word_bank_statuses, word_statuses_for_pair

__all__ = [
    "MAX_DUE_LIMIT",
    "DueWord",
    "card_is_mature",
    "due_cards_for_user",
    "due_counts_for_user",
    "due_queue_querysets",
    "due_words_for_pair",
    "events_for_card",
    "flashcard_get_for_user",
    "flashcard_preview_intervals",
    "flashcard_stats",
    "flashcards_for_user",
    "fsrs_parameters_quality",
    "learner_day_start",
    "new_cards_introduced_today",
    "pair_for_due_queue",
    "review_activity",
    "review_summary",
    "streaks",
    "target_words_for_pair",
    "word_bank_statuses",
    "word_statuses_for_pair",
    "workload_simulation",
]
