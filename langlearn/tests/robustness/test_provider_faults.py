"""Provider faults through the real SDKs against the fake server, jobs on a real Dramatiq worker:
a hanging provider fails the step as retryable within the client timeout (the worker thread does
not hang with it), and an overloaded provider (529) that recovers leaves the job succeeded within
its retry budget; one that does not recover fails it readably when the budget is spent."""

from __future__ import annotations

import time

import pytest

from langlearn.jobs.models import Job
from langlearn.testing import run_jobs
from vocab.tests.factories import PairFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOURCE = "The town held its yearly river festival with boats, music and food stalls along the water. " * 4


@pytest.fixture
def fast_retries(settings):
    settings.JOB_RETRY_BASE_SECONDS = 0.05
    settings.JOB_RETRY_MAX_SECONDS = 0.2
    settings.JOB_MAX_ATTEMPTS = 5


@pytest.fixture
def pair(user):
    return PairFactory(user=user)


def _start_article(auth_client, pair) -> str:
    response = auth_client.post("/api/generation/articles", {"language_pair": str(pair.pk), "text": SOURCE})
    assert response.status_code == 202, response.content
    return response.json()["job"]["id"]


def test_hanging_tts_fails_the_step_as_retryable_and_frees_the_worker(
    auth_client, pair, fake_providers, settings, fast_retries, broker, worker
):
    settings.PROVIDER_TIMEOUT_SECONDS = 1.0
    hang = 30.0
    fake_providers.push_hang("gemini", hang)
    pair.revision_rounds = 0  # one draft: the counts below are of attempts, not coverage rounds
    pair.save(update_fields=["revision_rounds"])
    job_id = _start_article(auth_client, pair)
    started = time.monotonic()
    run_jobs(broker, worker)
    elapsed = time.monotonic() - started

    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    # The timed-out call failed the step as retryable: a second attempt resumed at `speak`, and
    # nothing before it (the paid LLM call) ran again.
    assert job.attempts == 2
    assert len(fake_providers.requests_for("anthropic")) == 1
    assert len(fake_providers.requests_for("gemini")) == 2
    assert elapsed < hang / 2, f"the worker waited for the hanging provider ({elapsed:.1f}s)"

    # The thread that ran the hanging call is free: another job runs to the end on the same worker.
    second = _start_article(auth_client, pair)
    run_jobs(broker, worker)
    assert Job.objects.get(pk=second).status == "succeeded"


def test_overloaded_llm_then_recovery_succeeds_within_budget(
    auth_client, pair, fake_providers, fast_retries, broker, worker
):
    fake_providers.push_error("anthropic", 529, times=3)  # "overloaded" for a while
    pair.revision_rounds = 0  # one draft: the counts below are of attempts, not coverage rounds
    pair.save(update_fields=["revision_rounds"])
    job_id = _start_article(auth_client, pair)
    run_jobs(broker, worker)
    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    assert job.attempts == 4
    assert len(fake_providers.requests_for("anthropic")) == 4


def test_overload_outlasting_the_budget_fails_readably(auth_client, pair, fake_providers, fast_retries, broker, worker):
    fake_providers.push_error("anthropic", 529, times=50)
    pair.revision_rounds = 0  # one draft: the counts below are of attempts, not coverage rounds
    pair.save(update_fields=["revision_rounds"])
    job_id = _start_article(auth_client, pair)
    run_jobs(broker, worker)
    job = Job.objects.get(pk=job_id)
    assert job.status == "failed"
    assert job.attempts == 5
    assert "529" in job.error
    assert len(fake_providers.requests_for("anthropic")) == 5
