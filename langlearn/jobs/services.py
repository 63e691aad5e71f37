"""Writes on jobs: create (with quota), enqueue after commit, retry a failed job, sweep stuck ones."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from langlearn.errors import Conflict
from langlearn.idempotency import purge_expired as purge_expired_idempotency_keys

from .models import Job, JobStatus, StepStatus
from .outbox import outbox_flush, send_after_commit
from .quota import quota_consume
from .registry import get_spec
from .runner import blank_steps

logger = logging.getLogger(__name__)


def job_storage_key(job: Job, name: str, *, prefix: str | None = None) -> str:
    """A storage key derived from the job, so a rerun overwrites its own object instead of leaking."""
    return f"{prefix or job.kind}/{job.pk}/{name}"


def job_enqueue(job: Job, *, delay_seconds: float = 0) -> None:
    """Send the job's message once the surrounding transaction commits (at once when none is open):
    a worker must never look for a row that was rolled back or is not visible yet."""
    from .tasks import run_job  # tasks imports the runner, which imports this module lazily

    # A broker that refuses keeps the message in the outbox (sent by the sweep): the request that
    # created the job must not answer 500 after committing it (issue 19).
    send_after_commit(run_job, str(job.pk), delay_ms=int(delay_seconds * 1000))


def job_create(*, user, kind: str, params: dict[str, Any], count_quota: bool = True) -> Job:
    """Create a queued job of a registered kind and enqueue it after commit.

    Consumes one unit of the learner's daily generation quota in the same transaction (QuotaExceeded
    → 429 and nothing is created). Call it inside your own `transaction.atomic()` when you create
    rows of your own alongside the job."""
    spec = get_spec(kind)
    now = timezone.now()
    with transaction.atomic():
        if count_quota:
            quota_consume(user=user, now=now)
        job = Job.objects.create(
            user=user,
            kind=kind,
            params=params,
            steps=blank_steps(spec),
            max_attempts=spec.max_attempts or settings.JOB_MAX_ATTEMPTS,
            result_type=spec.result_type,
            enqueued_at=now,
        )
        job_enqueue(job)
    return job


def job_retry(*, job: Job) -> Job:
    """Put a failed job back in the queue; it resumes at its first unfinished step with a fresh
    attempt budget (finished steps are not redone, so nothing is paid twice). 409 unless failed."""
    now = timezone.now()
    steps = [
        {**s, "status": StepStatus.PENDING, "note": ""} if s.get("status") == StepStatus.FAILED else s
        for s in job.steps
    ]
    with transaction.atomic():
        changed = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED).update(
            status=JobStatus.QUEUED,
            steps=steps,
            attempts=0,
            error="",
            error_code="",
            next_attempt_at=None,
            window_started_at=None,
            finished_at=None,
            claim_token=None,
            lease_expires_at=None,
            enqueued_at=now,
            updated_at=now,
        )
        if not changed:
            raise Conflict("Only a failed job can be retried.", code="job_not_failed")
        job.refresh_from_db()
        job_enqueue(job)
    return job


def media_purge_request() -> None:
    """Stored objects due for deletion (a deleted account's, an expired or superseded export, a
    failed import's upload) not deleted yet: send the purge job (kept for the sweep if the broker
    refuses). The sweep calls it every round; a feature that queues a deletion due now calls it too."""
    from langlearn.data_rights import due_deletions

    from .outbox import send_now_or_later
    from .tasks import purge_media

    if due_deletions().exists():
        send_now_or_later(purge_media)


@dataclass(frozen=True)
class SweepResult:
    requeued_running: int
    requeued_queued: int
    outbox_sent: int = 0


def jobs_sweep(*, now: datetime | None = None, grace: timedelta | None = None) -> SweepResult:
    """Re-enqueue jobs whose message was lost: running past their lease (the worker died or hung)
    or queued past their due time plus `grace` (the send after commit failed, the broker lost it).
    Each hand-over is a conditional update, so two sweeps running at once do not double-send."""
    now = now or timezone.now()
    grace = grace if grace is not None else timedelta(seconds=settings.JOB_SWEEP_GRACE_SECONDS)

    running = 0
    for job in Job.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=now).only("pk", "claim_token"):
        changed = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, claim_token=job.claim_token).update(
            status=JobStatus.QUEUED, claim_token=None, lease_expires_at=None, enqueued_at=now, updated_at=now
        )
        if changed:
            running += 1
            job_enqueue(job)

    cutoff = now - grace
    stuck = Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True, enqueued_at__lt=cutoff)
    stuck |= Q(next_attempt_at__isnull=True, enqueued_at__isnull=True, created_at__lt=cutoff)
    queued = 0
    for job in Job.objects.filter(stuck, status=JobStatus.QUEUED).only("pk", "enqueued_at"):
        changed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED, enqueued_at=job.enqueued_at).update(
            enqueued_at=now, next_attempt_at=None, updated_at=now
        )
        if changed:
            queued += 1
            job_enqueue(job)
    if running or queued:
        logger.info("sweep: re-enqueued %s stale running and %s stuck queued jobs", running, queued)
    # Messages the broker refused after their transaction committed (it was down): send them now.
    sent = outbox_flush()
    purge_expired_idempotency_keys(now=now)
    media_purge_request()
    return SweepResult(requeued_running=running, requeued_queued=queued, outbox_sent=sent)
