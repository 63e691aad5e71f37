"""Writes of the learner's vocabulary, re-exported: `from knowledge.services import word_statuses_set`."""

from .placement import placement_answer, placement_marks_apply, placement_start, placement_undo
from .statuses import (
    StatusChange,
    batch_undo,
    last_batch_undo,
    new_words_mark,
    page_finish,
    page_finish_undo,
    word_status_changes_record,
    word_statuses_set,
)

__all__ = [
    "StatusChange",
    "batch_undo",
    "last_batch_undo",
    "new_words_mark",
    "page_finish",
    "page_finish_undo",
    "placement_answer",
    "placement_marks_apply",
    "placement_start",
    "placement_undo",
    "word_status_changes_record",
    "word_statuses_set",
]
