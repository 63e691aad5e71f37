"""Issue 19: a killed worker's job waited for its whole lease (526 s measured; ~23 min with the
defaults) before anyone resumed it. The lease is now short and renewed by a heartbeat while the run
is alive: a live slow run keeps its job, a dead run's job is free again after JOB_LEASE_SECONDS."""

from __future__ import annotations

import threading
import time

import pytest

from langlearn import clients
from langlearn.jobs.models import JobStatus
from langlearn.jobs.runner import claim, job_run
from langlearn.jobs.services import job_create, jobs_sweep

from .conftest import calls

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def short_lease(settings):
    settings.JOB_LEASE_SECONDS = 1
    settings.JOB_HEARTBEAT_SECONDS = 0.2


def test_a_live_slow_run_keeps_its_job(user, short_lease):
    job = job_create(user=user, kind="toy", params={"sleep": {"two": 2.5}})
    runner = threading.Thread(target=job_run, kwargs={"job_id": job.pk, "providers": clients.get_providers()})
    runner.start()
    time.sleep(1.8)  # past the unrenewed lease, while step two still runs
    swept = jobs_sweep()
    runner.join(10)
    job.refresh_from_db()
    assert swept.requeued_running == 0
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 1
    assert calls(job, "two") == 1


def test_a_dead_runs_job_is_resumed_after_the_short_lease(user, short_lease):
    job = job_create(user=user, kind="toy", params={})
    assert claim(job.pk) is not None  # a worker claimed it, then died: no heartbeat, no finish
    assert job_run(job_id=job.pk, providers=clients.get_providers()) is None  # still leased
    started = time.monotonic()
    while claim(job.pk) is None:  # what a redelivered message (or the sweep's re-enqueue) attempts
        assert time.monotonic() - started < 10
        time.sleep(0.1)
    print(f"dead run's job claimable again after {time.monotonic() - started:.2f} s (lease 1 s)")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.RUNNING, 2)  # the dead run, then the new one


def test_a_hung_run_stops_being_renewed_after_its_time_limit(user, short_lease, settings):
    settings.JOB_TIME_LIMIT_SECONDS = 1
    settings.JOB_LEASE_MARGIN_SECONDS = 0  # lease_seconds() = 1 s: the heartbeat gives up after it
    job = job_create(user=user, kind="toy", params={"sleep": {"one": 3.5}})
    runner = threading.Thread(target=job_run, kwargs={"job_id": job.pk, "providers": clients.get_providers()})
    runner.start()
    time.sleep(2.8)  # give-up at 1 s + the last lease of 1 s
    swept = jobs_sweep()
    runner.join(10)
    assert swept.requeued_running == 1
