from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from langlearn.models import TimeStampedModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class StepStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


FINISHED_STEP_STATUSES = frozenset({StepStatus.DONE, StepStatus.SKIPPED})


class Job(TimeStampedModel):
    """One request for slow, paid work (an article, an adventure scene, ...).

    `steps` is a list of dicts `{name, status, started_at, finished_at, ref, note, output}` in the
    order the kind's JobSpec declares them: `output` is what the step produced (handed to later
    steps), `ref` a short pointer to it for people (a storage key, "article:<id>"), `note` why it
    was skipped or failed. Only the worker holding `claim_token` writes to a running job.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True, help_text="The feature's input for this job.")
    steps = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Runs claimed so far (counts crashed runs too).")
    max_attempts = models.PositiveSmallIntegerField(default=5)
    error = models.TextField(blank=True, help_text="Readable reason of the last failure.")
    error_code = models.CharField(max_length=40, blank=True)
    result_id = models.UUIDField(null=True, blank=True, help_text="The row this job produced (see result_type).")
    result_type = models.CharField(max_length=40, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="Earliest start of the next run.")
    lease_expires_at = models.DateTimeField(null=True, blank=True, help_text="A run still going past this is stale.")
    window_started_at = models.DateTimeField(
        null=True, blank=True, help_text="Automatic retries stop once this is older than the retry window."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="job_user_created"),
            models.Index(fields=["user", "kind", "status"], name="job_user_kind_status"),
            # The sweep only ever looks at unfinished jobs.
            models.Index(
                fields=["status", "updated_at"],
                name="job_unfinished",
                condition=models.Q(status__in=["queued", "running"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "succeeded", "failed"]), name="job_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    def step(self, name: str) -> dict[str, Any] | None:
        return next((s for s in self.steps if s.get("name") == name), None)

    @property
    def current_step(self) -> str | None:
        """The first step not finished: where a run (or a retry) resumes."""
        for s in self.steps:
            if s.get("status") not in FINISHED_STEP_STATUSES:
                return s.get("name")
        return None


class GenerationUsage(models.Model):
    """How many generation jobs a learner started on one local day: the daily quota's counter.

    One row per (user, day), incremented by a conditional UPDATE under the row lock, so parallel
    requests are serialised by PostgreSQL and can never push `count` past the quota."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_usage")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="generation_usage_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.count}"


class OutboxMessage(models.Model):
    """A Dramatiq message the broker refused after its transaction committed (broker down): kept
    here so the sweep sends it later instead of the request failing after the work was saved."""

    actor_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    delay_ms = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=1, help_text="Sends tried so far.")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.actor_name}{tuple(self.args)}"
