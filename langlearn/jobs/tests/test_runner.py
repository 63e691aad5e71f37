from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import dramatiq
import pytest
from django.core.management import call_command
from django.utils import timezone

from langlearn import clients
from langlearn.jobs.models import Job, JobStatus
from langlearn.jobs.runner import claim, job_run
from langlearn.jobs.services import job_create, jobs_sweep
from langlearn.jobs.tasks import run_job
from langlearn.testing import run_jobs

from .conftest import FAILURES, calls

pytestmark = pytest.mark.django_db(transaction=True)


def test_steps_run_in_order_and_pass_outputs_on(user, broker, worker):
    job = job_create(user=user, kind="toy", params={})
    run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 1
    assert [s["status"] for s in job.steps] == ["done", "done", "done"]
    assert [s["output"]["value"] for s in job.steps] == ["one:0", "two:1", "three:2"]
    assert job.steps[1]["ref"] == "toy:two"
    assert str(job.result_id) == str(job.pk)
    assert job.finished_at is not None
    assert job.claim_token is None


def test_a_skipped_step_records_its_reason(user, broker, worker):
    job = job_create(user=user, kind="toy", params={"skip_two": True})
    run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.step("two")["status"] == "skipped"
    assert job.step("two")["note"] == "nothing to do for two"


def test_retryable_error_backs_off_and_resumes_at_the_failed_step(user, broker, worker):
    job = job_create(user=user, kind="toy", params={"fail": {"two": {"retryable": True, "times": 1}}})
    run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert (calls(job, "one"), calls(job, "two"), calls(job, "three")) == (1, 2, 1)
    assert job.error == ""


def test_retryable_errors_give_up_after_max_attempts(user, broker, worker):
    job = job_create(user=user, kind="toy", params={"fail": {"one": {"retryable": True, "times": 99}}})
    run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 3 == calls(job, "one")
    assert "Gave up after 3 attempts" in job.error
    assert job.error_code == "provider_retryable"
    assert str(job.pk) in FAILURES


def test_retry_window_bounds_retries_too(user, broker, worker, settings):
    settings.JOB_RETRY_WINDOW_SECONDS = 0  # the first backoff already leaves the window
    job = job_create(user=user, kind="toy", params={"fail": {"one": {"retryable": True, "times": 99}}})
    run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 1


def test_a_step_cut_off_by_the_time_limit_is_retried(user, broker, worker):
    job = job_create(user=user, kind="toy", params={"fail": {"three": {"interrupt": True, "times": 1}}})
    run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 2
    assert (calls(job, "one"), calls(job, "three")) == (1, 2)


def test_permanent_error_fails_at_once(user, broker, worker):
    job = job_create(user=user, kind="toy", params={"fail": {"two": {"retryable": False, "times": 1}}})
    run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 1
    assert job.error == "The text generator failed: scripted failure (HTTP 503)"
    assert job.error_code == "provider_error"
    assert [s["status"] for s in job.steps] == ["done", "failed", "pending"]
    assert job.current_step == "two"


def test_duplicate_delivery_runs_each_step_once(user, broker, worker):
    job = job_create(user=user, kind="toy", params={})
    run_job.send(str(job.pk))
    run_job.send(str(job.pk))
    run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 1
    assert (calls(job, "one"), calls(job, "two"), calls(job, "three")) == (1, 1, 1)


def test_a_running_job_is_not_claimed_twice_until_its_lease_expires(user):
    job = job_create(user=user, kind="toy", params={})
    assert claim(job.pk) is not None
    assert claim(job.pk) is None  # a duplicate while the first run holds the lease
    later = timezone.now() + timedelta(hours=1)
    reclaimed = claim(job.pk, now=later)
    assert reclaimed is not None
    assert reclaimed[0].attempts == 2


def test_a_job_whose_runs_keep_dying_fails_when_attempts_run_out(user):
    job = job_create(user=user, kind="toy", params={})
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, attempts=3, lease_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert job_run(job_id=job.pk, providers=clients.get_providers()) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_code == "attempts_exhausted"
    assert calls(job, "one") == 0


@contextmanager
def started_worker(broker):
    worker = dramatiq.Worker(broker, worker_timeout=100, worker_threads=2)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()


def test_sweep_requeues_stale_running_and_stuck_queued_jobs(user, broker):
    old = timezone.now() - timedelta(hours=1)
    stale = job_create(user=user, kind="toy", params={})
    stuck = job_create(user=user, kind="toy", params={})
    fresh = job_create(user=user, kind="toy", params={})
    broker.flush_all()  # the messages were "lost"
    Job.objects.filter(pk=stale.pk).update(status=JobStatus.RUNNING, attempts=1, lease_expires_at=old)
    Job.objects.filter(pk=stuck.pk).update(enqueued_at=old)
    Job.objects.filter(pk=fresh.pk).update(status=JobStatus.SUCCEEDED)

    result = jobs_sweep()
    assert (result.requeued_running, result.requeued_queued) == (1, 1)
    with started_worker(broker) as worker:
        run_jobs(broker, worker)
    assert set(Job.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    assert jobs_sweep() == type(result)(0, 0)


def test_sweep_command(user, broker, capsys):
    job = job_create(user=user, kind="toy", params={})
    broker.flush_all()
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    call_command("sweep_jobs")
    assert "1 stuck queued" in capsys.readouterr().out
    with started_worker(broker) as worker:
        run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_sweep_command_loops_until_stopped_and_survives_a_failed_round(user, broker, capsys, monkeypatch):
    from langlearn.jobs.management.commands import sweep_jobs as command

    job = job_create(user=user, kind="toy", params={})
    broker.flush_all()
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    rounds = []

    def sweep_then_stop(**kwargs):
        rounds.append(kwargs)
        if len(rounds) == 1:
            raise RuntimeError("database restarting")
        command.stop.set()  # what SIGTERM does
        return jobs_sweep(**kwargs)

    monkeypatch.setattr(command, "jobs_sweep", sweep_then_stop)
    monkeypatch.setattr(command.signal, "signal", lambda *args: None)  # leave pytest's handlers alone
    call_command("sweep_jobs", "--every", "1")
    out = capsys.readouterr()
    assert len(rounds) == 2
    assert "sweep failed: RuntimeError('database restarting')" in out.err
    assert "1 stuck queued" in out.out
    assert "sweeper stopped" in out.out
    with started_worker(broker) as worker:
        run_jobs(broker, worker)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED


def test_sweep_every_below_a_second_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1 second"):
        call_command("sweep_jobs", "--every", "0")


def test_sweep_actor_via_the_command(user, broker, capsys):
    job = job_create(user=user, kind="toy", params={})
    broker.flush_all()
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    call_command("sweep_jobs", "--enqueue")
    assert "sweep enqueued" in capsys.readouterr().out
    with started_worker(broker) as worker:
        run_jobs(broker, worker)  # the sweep actor runs, re-enqueues the job, which then runs
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
