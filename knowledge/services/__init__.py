"""Writes of the learner's vocabulary, re-exported: `from knowledge.services import word_statuses_set`."""

from .placement import placement_answer, placement_start, placement_undo
from .statuses import (
    StatusChange,
    batch_undo,
    page_finish,
    page_finish_undo,
    word_status_changes_record,
    word_statuses_set,
)

__all__ = [
    "StatusChange",
    "batch_undo",
    "page_finish",
    "page_finish_undo",
    "placement_answer",
    "placement_start",
    "placement_undo",
    "word_status_changes_record",
    "word_statuses_set",
]
