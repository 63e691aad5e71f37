"""Dramatiq actors of the job machinery. Thin: ids in, the runner/sweep service does the work.

Retries of provider failures are decided by the runner and recorded on the job row (attempts,
next_attempt_at), not by Dramatiq's Retries middleware: the job row survives worker deaths and
broker redeliveries, and a permanent error must not be retried at all. Dramatiq's own retries
only cover an exception escaping before/after the runner's bookkeeping (e.g. the database was
unreachable at claim time); the claim makes those re-runs harmless.
"""

from __future__ import annotations

import dramatiq

from langlearn import clients, data_rights

from .runner import job_run, run_time_limit_seconds
from .services import jobs_sweep

JOBS_QUEUE = "jobs"


@dramatiq.actor(
    queue_name=JOBS_QUEUE,
    max_retries=3,
    min_backoff=1_000,
    max_backoff=30_000,
    # Above the worst case of one run's provider calls, each of which has its own timeout (the
    # limit is best effort: it cannot interrupt blocking I/O).
    time_limit=int(run_time_limit_seconds() * 1000),
    throws=(LookupError,),
)
def run_job(job_id: str) -> None:
    job_run(job_id=job_id, providers=clients.get_providers())


@dramatiq.actor(queue_name=JOBS_QUEUE, max_retries=0, time_limit=120_000)
def sweep_jobs() -> None:
    """Schedule every minute or so (cron → `manage.py sweep_jobs --enqueue`, or any scheduler)."""
    jobs_sweep()


@dramatiq.actor(queue_name=JOBS_QUEUE, max_retries=30, min_backoff=5_000, max_backoff=900_000, time_limit=300_000)
def purge_media() -> None:
    """Delete the stored objects of deleted accounts and expired exports (langlearn/data_rights.py).
    Raises while any due remain, so Dramatiq retries with backoff; the sweep re-sends it while due
    rows are queued."""
    while True:
        before = data_rights.due_deletions().count()
        if not before:
            return
        remaining = data_rights.media_purge()
        if remaining >= before:  # no progress: storage is refusing, back off
            raise RuntimeError(f"{remaining} stored objects could not be deleted yet")
