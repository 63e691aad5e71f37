"""A worker process killed mid-job on a real Redis broker: the sweep hands the job to a new worker,
which resumes at the step that was cut off — the LLM is paid once. Run with `make test-brokers`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from articles.models import TranslatedArticle
from langlearn.jobs.models import Job
from langlearn.testing import FAKE_KEYS

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _redis_up() -> bool:
    host_port = urlsplit(REDIS_URL)
    try:
        socket.create_connection((host_port.hostname, host_port.port or 6379), timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.brokers,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _redis_up(), reason="needs Redis (make test-brokers starts it)"),
]
SOURCE = "The town held its yearly river festival with boats, music and food stalls along the water. " * 4


@pytest.fixture(autouse=True)
def _only_when_asked(request):
    # Four Django processes and a spaCy load take a minute on a busy 2-core machine: keep it out of
    # the everyday `make test` and run it with `make test-brokers` (pytest -m brokers).
    if "brokers" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("worker-death test: run with -m brokers (make test-brokers)")


def worker_env(fake_url: str) -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        **FAKE_KEYS,
        "DJANGO_SETTINGS_MODULE": "langlearn.settings",
        "LANGLEARN_TESTING": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "BROKER_URL": REDIS_URL,
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "ANTHROPIC_BASE_URL": fake_url,
        "GEMINI_BASE_URL": fake_url,
        "DEEPL_SERVER_URL": fake_url,
        "PROVIDER_SDK_MAX_RETRIES": "0",
        "READALONG_MAX_TTS_CALLS": "1",  # one speech call per run, so the counts below are exact
        "JOB_TIME_LIMIT_SECONDS": "60",
        "NLP_PRELOAD": "es",  # built at boot (ImportAtBoot), not inside a time-limited step
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "2", "--queues", "jobs"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: kill the master and its worker together
    )


def wait_for(predicate, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting")
        time.sleep(0.2)


def test_a_job_cut_off_by_a_dead_worker_resumes_on_another(auth_client, pair, fake_providers):
    env = worker_env(fake_providers.url)
    fake_providers.push_hang("gemini", 30)  # the first worker dies while the speech call is out
    resp = auth_client.post("/api/generation/articles", {"language_pair": str(pair.pk), "text": SOURCE})
    job_id = resp.json()["job"]["id"]
    # The test process runs on the StubBroker: hand the job to Redis the way operations would.
    assert "1 stuck queued" in manage(env, "sweep_jobs", "--grace", "0")

    first = start_worker(env)
    try:
        wait_for(lambda: fake_providers.requests_for("gemini"))
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.current_step, job.attempts) == ("running", "speak", 1)

    # Fast-forward the clock past the dead run's lease instead of waiting out the time limit.
    Job.objects.filter(pk=job_id).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert "1 stale running" in manage(env, "sweep_jobs")
    second = start_worker(env)
    try:
        wait_for(lambda: Job.objects.get(pk=job_id).status in ("succeeded", "failed"))
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=30)

    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    assert job.attempts == 2
    assert len(fake_providers.requests_for("anthropic")) == 1  # the text was not written (or paid) twice
    assert len(fake_providers.requests_for("gemini")) == 2
    article = TranslatedArticle.objects.get(job_id=job_id)
    assert (Path(django_settings.MEDIA_ROOT) / article.audio).is_file()
