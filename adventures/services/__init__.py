"""Writes on adventures. The API, the admin and the job steps all call these."""

from .choices import ChoiceOutcome, adventure_choose, adventure_retry_current, scene_retry
from .lifecycle import adventure_create, adventure_delete, adventure_sync_status, scene_mark_failed
from .spoken import SpokenChoiceOutcome, adventure_spoken_choice
from .words import adventure_words_add

__all__ = [
    "ChoiceOutcome",
    "SpokenChoiceOutcome",
    "adventure_choose",
    "adventure_create",
    "adventure_delete",
    "adventure_retry_current",
    "adventure_spoken_choice",
    "adventure_sync_status",
    "adventure_words_add",
    "scene_mark_failed",
    "scene_retry",
]
