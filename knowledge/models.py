"""A learner's vocabulary for a pair.

Only explicit marks are stored (`WordStatusMark`, set by the reader, a placement, a pack, an Anki
import); a mark says what the learner said and wins over what the word bank implies. "Learning"
for a word-bank word and "known" for a mature card are derived on read from the word bank and the
cards' FSRS state (`knowledge.selectors`), so the existing word bank needs no data migration (its
entries read as learning from the first request) and a review never has to write a status row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from langlearn.models import TimeStampedModel


class Status(models.TextChoices):
    NEW = "new", "New"
    LEARNING = "learning", "Learning"
    KNOWN = "known", "Known"
    IGNORED = "ignored", "Ignored"


class StatusSource(models.TextChoices):
    READER = "reader", "Reader mark"
    FINISH_PAGE = "finish_page", "Reader: finished page"
    PACK = "pack", "Pack"
    PLACEMENT = "placement", "Placement test"
    ANKI = "anki", "Anki import"
    REVIEW = "review", "Review"
    API = "api", "API"
    UNDO = "undo", "Undo"


class WordStatusMark(TimeStampedModel):
    """The learner's explicit status for one key (`vocab.keys.normalize_key` of a lemma or an
    expression) of a pair. `batch` is the change that last set it: undo restores a batch's rows
    only while they still carry it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="word_statuses")
    pair = models.ForeignKey("vocab.UserLanguagePair", on_delete=models.CASCADE, related_name="word_statuses")
    key = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=16, choices=StatusSource.choices)
    batch = models.UUIDField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "word status"
        verbose_name_plural = "word statuses"
        constraints = [
            models.UniqueConstraint(fields=["pair", "key"], name="word_status_unique_key_per_pair"),
            models.CheckConstraint(
                condition=models.Q(status__in=["new", "learning", "known", "ignored"]),
                name="word_status_stored_values",
            ),
        ]
        indexes = [
            # The home screen's counts and the list's filters: a pair's marks by status and source.
            models.Index(fields=["pair", "status", "source"], name="word_status_pair_status"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.status}"


class WordStatusEvent(models.Model):
    """One change of a key's status, append-only: before, after, where it came from, and the
    batch (one request: a mark, a finished page, a placement) it belongs to."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="word_status_events")
    pair = models.ForeignKey("vocab.UserLanguagePair", on_delete=models.CASCADE, related_name="word_status_events")
    key = models.CharField(max_length=200)
    old_status = models.CharField(max_length=10, choices=Status.choices)
    new_status = models.CharField(max_length=10, choices=Status.choices)
    source = models.CharField(max_length=16, choices=StatusSource.choices)
    batch = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["pair", "source", "-id"], name="word_status_event_pair_source"),
            models.Index(fields=["batch"], name="word_status_event_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.old_status} → {self.new_status} ({self.source})"


class PlacementState(models.TextChoices):
    RUNNING = "running", "Running"
    MARKING = "marking", "Finished, words being marked known (a job)"
    APPLIED = "applied", "Finished, words marked known"
    UNDONE = "undone", "Finished, marks undone"


class PlacementTest(TimeStampedModel):
    """An adaptive yes/no vocabulary test. `items` holds every word shown so far with its band,
    whether it is a pseudo-word and the answer; `estimate` is the vocabulary size found."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="placement_tests")
    pair = models.ForeignKey("vocab.UserLanguagePair", on_delete=models.CASCADE, related_name="placement_tests")
    language = models.CharField(max_length=8)
    state = models.CharField(max_length=10, choices=PlacementState.choices, default=PlacementState.RUNNING)
    seed = models.BigIntegerField()
    items = models.JSONField(default=list)
    search = models.JSONField(default=dict, help_text="The adaptive search's bounds between rounds.")
    estimate = models.PositiveIntegerField(null=True, blank=True)
    false_alarm_rate = models.FloatField(null=True, blank=True)
    marked = models.PositiveIntegerField(default=0)
    batch = models.UUIDField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The job that marks the estimated words known once the last round is answered.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "pair", "-created_at"], name="placement_user_pair_created")]

    def __str__(self) -> str:
        return f"placement {self.language} {self.state} ({self.estimate})"
