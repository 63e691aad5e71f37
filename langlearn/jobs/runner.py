"""The step runner: claim a job, run its unfinished steps in order saving each output, finish.

Dramatiq delivers at least once and a worker can die mid-step, so nothing here trusts the message:
- the claim is one conditional UPDATE (queued and due, or running with an expired lease → running,
  attempts + 1, a fresh claim token); a second delivery of the same message changes no row and stops;
- every later write is conditional on the claim token, so a run that lost its lease (the sweep
  handed the job to another worker) cannot overwrite the newer run's progress;
- each step's output is saved before the next step starts, so a retry resumes at the first
  unfinished step and a provider is never paid twice for a finished step;
- no transaction is open while a step runs (steps call providers over the network);
- the lease is short (JOB_LEASE_SECONDS, 45 s) and a heartbeat thread renews it every
  JOB_HEARTBEAT_SECONDS while the run is alive, so a killed worker's job is claimable again within
  about a minute (the sweep, or the broker's redelivery, hands it on) instead of after the run's
  whole time limit (issue 19: 526 s measured, ~23 min with the defaults). A run that hangs past
  its time limit plus JOB_LEASE_MARGIN_SECONDS stops being renewed, so it is presumed dead then.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from dramatiq.middleware import Interrupt, TimeLimitExceeded

from langlearn.clients import Providers, call_budget_seconds
from langlearn.clients.base import ProviderError

from .models import FINISHED_STEP_STATUSES, Job, JobStatus, StepStatus
from .registry import JobSpec, PermanentJobError, StepContext, get_spec

logger = logging.getLogger(__name__)

# A delayed retry message may be delivered a little before `next_attempt_at` (clock skew between
# the process that scheduled it and the worker); accept it rather than strand the job.
EARLY_DELIVERY_TOLERANCE = timedelta(seconds=2)


class LeaseLost(Exception):
    """Another run owns the job now (or an operator changed it): stop without writing."""


def run_time_limit_seconds() -> float:
    """How long one run may take: the worst case of its provider calls plus a minute for the rest."""
    return settings.JOB_TIME_LIMIT_SECONDS or call_budget_seconds(settings.JOB_MAX_PROVIDER_CALLS) + 60


def lease_seconds() -> float:
    """A run still claimed this long after it started is dead (its time limit passed long ago):
    the heartbeat stops renewing its lease then."""
    return run_time_limit_seconds() + settings.JOB_LEASE_MARGIN_SECONDS


def short_lease_seconds() -> float:
    """How long a claim lasts without a heartbeat: a dead worker's job waits at most this long."""
    return settings.JOB_LEASE_SECONDS


class Heartbeat:
    """Renews the run's lease every JOB_HEARTBEAT_SECONDS from a thread of its own (with its own
    database connection) while the steps run; stops when the run ends, when the claim is lost, or
    once the run has outlived its time limit (a hung run must not hold the job forever)."""

    def __init__(self, job_id, token: uuid.UUID):
        self.job_id, self.token = job_id, token
        self.renewals = 0
        self._stop = threading.Event()
        self._give_up_at = time.monotonic() + lease_seconds()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat {job_id}", daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.JOB_HEARTBEAT_SECONDS):
                if time.monotonic() > self._give_up_at:
                    logger.warning("job %s: run outlived its time limit; no longer renewing its lease", self.job_id)
                    return
                try:
                    renewed = Job.objects.filter(
                        pk=self.job_id, claim_token=self.token, status=JobStatus.RUNNING
                    ).update(lease_expires_at=timezone.now() + timedelta(seconds=short_lease_seconds()))
                except DatabaseError as exc:  # a blip: try again at the next beat, the lease has slack
                    logger.warning("job %s: heartbeat failed: %s", self.job_id, exc)
                    connection.close()
                    continue
                if not renewed:
                    return  # finished, failed or handed to another run
                self.renewals += 1
        finally:
            connection.close()


def blank_steps(spec: JobSpec) -> list[dict[str, Any]]:
    return [
        {"name": n, "status": StepStatus.PENDING, "started_at": None, "finished_at": None, "ref": "", "note": ""}
        for n in spec.step_names
    ]


def retry_delay_seconds(attempt: int) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random, so retries of many jobs
    that failed together (a provider outage) do not come back together."""
    ceiling = min(settings.JOB_RETRY_MAX_SECONDS, settings.JOB_RETRY_BASE_SECONDS * 2 ** max(0, attempt - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def _now_iso(now: datetime) -> str:
    return now.isoformat()


def _claimable(now: datetime) -> Q:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_DELIVERY_TOLERANCE)
    return (Q(status=JobStatus.QUEUED) & due) | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)


def claim(job_id: uuid.UUID | str, *, now: datetime | None = None) -> tuple[Job, uuid.UUID] | None:
    """Take the job for this run, or return None when it is not ours to run (done, running
    elsewhere, not due yet, or out of attempts — which fails it, see dramatiq #213)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    claimed = Job.objects.filter(_claimable(now), pk=job_id, attempts__lt=F("max_attempts")).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        claim_token=token,
        lease_expires_at=now + timedelta(seconds=short_lease_seconds()),
        next_attempt_at=None,
        started_at=Coalesce("started_at", now),
        window_started_at=Coalesce("window_started_at", now),
        updated_at=now,
    )
    if not claimed:
        # A message for a job whose runs kept dying (out of memory, killed) is redelivered forever
        # by some brokers; the attempts counted on the row end it here.
        exhausted = Job.objects.filter(_claimable(now), pk=job_id, attempts__gte=F("max_attempts"))
        for job in exhausted:
            _fail_unclaimed(job, now, f"Gave up after {job.attempts} attempts: the job never finished a run.")
        return None
    return Job.objects.get(pk=job_id), token


def _fail_unclaimed(job: Job, now: datetime, message: str) -> None:
    changed = Job.objects.filter(pk=job.pk, status=job.status, claim_token=job.claim_token).update(
        status=JobStatus.FAILED, error=message, error_code="attempts_exhausted", finished_at=now, updated_at=now
    )
    if changed:
        job.refresh_from_db()
        with contextlib.suppress(LookupError):  # a kind no longer registered has no hook to call
            _call_hook(get_spec(job.kind).on_failure, job)


def _save(job: Job, token: uuid.UUID, **fields: Any) -> None:
    """Write `fields` (and the steps) only while we still hold the claim."""
    now = timezone.now()
    fields.setdefault("steps", job.steps)
    changed = Job.objects.filter(pk=job.pk, claim_token=token, status=JobStatus.RUNNING).update(
        updated_at=now, **fields
    )
    if not changed:
        raise LeaseLost(str(job.pk))
    for name, value in fields.items():
        setattr(job, name, value)


def step_progress(job: Job, *, done: int, total: int, checkpoint: dict[str, Any] | None = None) -> None:
    """Save the running step's `progress` {done, total} (and `checkpoint`, kept across retries) on
    the row, only while this run still holds the claim (`job.claim_token` is the claim's token)."""
    entry = job.step(job.current_step or "")
    if entry is None or job.claim_token is None:
        raise LeaseLost(str(job.pk))
    entry["progress"] = {"done": int(done), "total": int(total)}
    if checkpoint is not None:
        entry["checkpoint"] = checkpoint
    _save(job, job.claim_token)


def _call_hook(hook, job: Job) -> None:
    if hook is None:
        return
    try:
        hook(job)
    except Exception:  # a hook must not turn a finished job back into a crash loop
        logger.exception("job %s: %s hook failed", job.pk, getattr(hook, "__name__", hook))


def job_run(*, job_id: uuid.UUID | str, providers: Providers) -> Job | None:
    """Run (or resume) one job. Safe to call any number of times for the same id."""
    claimed = claim(job_id)
    if claimed is None:
        logger.info("job %s: not claimable (finished, running elsewhere or not due); skipped", job_id)
        return None
    job, token = claimed
    try:
        spec = get_spec(job.kind)
    except LookupError as exc:
        _save(job, token, **_failed_fields(f"Unknown job kind: {exc}", "unknown_kind"))
        return job
    try:
        with Heartbeat(job.pk, token):
            _run_steps(job, token, spec, providers)
    except LeaseLost:
        logger.warning("job %s: lost its claim mid-run; the newer run carries on", job.pk)
    return job


def _ensure_steps(job: Job, spec: JobSpec) -> None:
    """Jobs are created with their spec's steps; a spec that gained a step since is topped up."""
    known = {s["name"] for s in job.steps}
    job.steps = [s for s in job.steps if s["name"] in spec.step_names] + [
        s for s in blank_steps(spec) if s["name"] not in known
    ]
    order = {n: i for i, n in enumerate(spec.step_names)}
    job.steps.sort(key=lambda s: order[s["name"]])


def _run_steps(job: Job, token: uuid.UUID, spec: JobSpec, providers: Providers) -> None:
    _ensure_steps(job, spec)
    outputs: dict[str, dict[str, Any]] = {
        s["name"]: s.get("output") or {} for s in job.steps if s["status"] in FINISHED_STEP_STATUSES
    }
    marked_running = False  # the save that finished the previous step already marked this one
    for index, step in enumerate(spec.steps):
        entry = job.step(step.name)
        if entry["status"] in FINISHED_STEP_STATUSES:
            continue
        if not marked_running:
            _mark_running(entry)
            _save(job, token)
        try:
            outcome = step.run(StepContext(job=job, outputs=outputs, providers=providers))
        except ProviderError as exc:
            _step_failed(entry, str(exc))
            if exc.retryable:
                _retry_or_fail(job, token, spec, _readable(exc), "provider_retryable")
            else:
                _fail(job, token, spec, _readable(exc), "provider_error")
            return
        except LeaseLost:
            raise  # another run owns the job now: write nothing more
        except PermanentJobError as exc:
            _step_failed(entry, str(exc))
            _fail(job, token, spec, str(exc), "permanent")
            return
        except Interrupt as exc:
            # Dramatiq's time limit or a worker shutdown interrupted the step: give the job back
            # to the queue (bounded by the same attempts) rather than leave it for the sweep.
            _step_failed(entry, "interrupted")
            reason = "took too long" if isinstance(exc, TimeLimitExceeded) else "was interrupted by a worker shutdown"
            _retry_or_fail(job, token, spec, f"The step '{step.name}' {reason}.", "interrupted")
            return
        except DatabaseError as exc:  # a database blip is worth another go, like a provider 503
            logger.warning("job %s step %s: database error %s", job.pk, step.name, exc)
            _step_failed(entry, "database error")
            _retry_or_fail(job, token, spec, "A temporary database error interrupted the job.", "database")
            return
        except Exception:  # a bug will not fix itself on retry: fail readably, keep the trace in logs
            logger.exception("job %s step %s crashed", job.pk, step.name)
            _step_failed(entry, "internal error")
            _fail(job, token, spec, f"Internal error in step '{step.name}'.", "internal")
            return
        entry.update(
            status=StepStatus.SKIPPED if outcome.skipped else StepStatus.DONE,
            finished_at=_now_iso(timezone.now()),
            output=outcome.output,
            ref=outcome.ref,
            note=outcome.skipped,
        )
        outputs[step.name] = outcome.output
        extra: dict[str, Any] = {}
        if outcome.output.get("result_id"):
            extra["result_id"] = outcome.output["result_id"]
        # One write records this step's output and shows the next one as running.
        following = next(
            (
                job.step(s.name)
                for s in spec.steps[index + 1 :]
                if job.step(s.name)["status"] not in FINISHED_STEP_STATUSES
            ),
            None,
        )
        if following is not None:
            _mark_running(following)
        marked_running = following is not None
        _save(job, token, **extra)
    now = timezone.now()
    _save(
        job,
        token,
        status=JobStatus.SUCCEEDED,
        finished_at=now,
        error="",
        error_code="",
        claim_token=None,
        lease_expires_at=None,
    )
    _call_hook(spec.on_success, job)


def _mark_running(entry: dict[str, Any]) -> None:
    entry.update(status=StepStatus.RUNNING, started_at=_now_iso(timezone.now()), finished_at=None, note="")


def _readable(exc: ProviderError) -> str:
    service = {"anthropic": "The text generator", "gemini": "The speech service", "deepl": "The translator"}
    return f"{service.get(exc.provider, exc.provider or 'A provider')} failed: {exc.message}" + (
        f" (HTTP {exc.status_code})" if exc.status_code else ""
    )


def _step_failed(entry: dict[str, Any], note: str) -> None:
    entry.update(status=StepStatus.FAILED, finished_at=None, note=note[:500])


def _failed_fields(message: str, code: str) -> dict[str, Any]:
    return {
        "status": JobStatus.FAILED,
        "error": message[:2000],
        "error_code": code,
        "finished_at": timezone.now(),
        "claim_token": None,
        "lease_expires_at": None,
        "next_attempt_at": None,
    }


def _fail(job: Job, token: uuid.UUID, spec: JobSpec, message: str, code: str) -> None:
    _save(job, token, **_failed_fields(message, code))
    _call_hook(spec.on_failure, job)


def _retry_or_fail(job: Job, token: uuid.UUID, spec: JobSpec, message: str, code: str) -> None:
    now = timezone.now()
    delay = retry_delay_seconds(job.attempts)
    window_end = (job.window_started_at or now) + timedelta(seconds=settings.JOB_RETRY_WINDOW_SECONDS)
    if job.attempts >= job.max_attempts or now + timedelta(seconds=delay) > window_end:
        _fail(job, token, spec, f"{message} Gave up after {job.attempts} attempts.", code)
        return
    next_at = now + timedelta(seconds=delay)
    _save(
        job,
        token,
        status=JobStatus.QUEUED,
        error=message[:2000],
        error_code=code,
        next_attempt_at=next_at,
        enqueued_at=now,
        claim_token=None,
        lease_expires_at=None,
    )
    from .services import job_enqueue  # services imports this module

    job_enqueue(job, delay_seconds=delay)
    logger.info("job %s: retry %s/%s in %.1fs (%s)", job.pk, job.attempts + 1, job.max_attempts, delay, message)
