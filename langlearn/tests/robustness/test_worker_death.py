"""Worker death on real brokers (`make test-brokers`): an article job whose worker is SIGKILLed
while the text-to-speech call is out completes once a worker runs again — with exactly one
article and one stored audio file, and the LLM paid once.

Nothing fast-forwards the job. The broker redelivers the dead worker's unacked message (RabbitMQ
at once, when the connection drops; Redis once the dead worker's heartbeat is older than
`heartbeat_timeout`, tuned down here from 60 s). The job's lease is short and renewed by the run's
heartbeat while its worker lives (JOB_LEASE_SECONDS: 5 s here, 45 s by default), so once the dead
run's lease runs out the redelivered message — or the sweep, called here every second as the
scheduler would — claims it, and the new worker resumes at `speak`. The figure printed is the
recovery time (issue 19: 526 s before the heartbeat).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import TranslatedArticle
from langlearn.jobs.models import Job
from langlearn.jobs.services import jobs_sweep
from langlearn.jobs.tasks import run_job

from . import procs

pytestmark = [pytest.mark.brokers, pytest.mark.django_db(transaction=True)]

SOURCE = "The town held its yearly river festival with boats, music and food stalls along the water. " * 4
VHOST = "langlearn_robustness"  # our own RabbitMQ vhost: no other test's worker takes our messages


def _rabbitmq_url() -> str:
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    try:
        subprocess.run([ctl, "add_vhost", VHOST], capture_output=True, timeout=60, check=False)
        done = subprocess.run(
            [ctl, "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"], capture_output=True, timeout=60
        )
        if done.returncode == 0:
            return f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
    except (OSError, subprocess.TimeoutExpired):
        pass
    return "amqp://guest:guest@127.0.0.1:5672/%2F"


BROKERS = {
    # Redis db 12 is this test's alone.
    "redis": lambda: ("redis://127.0.0.1:6379/12", {"heartbeat_timeout": 3000, "maintenance_chance": 1_000_000}),
    "rabbitmq": lambda: (_rabbitmq_url(), {}),
}


def _broker(kind: str, url: str):
    if kind == "redis":
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url)
    from dramatiq.brokers.rabbitmq import RabbitmqBroker

    return RabbitmqBroker(url=url)


def _wait_for(predicate, timeout: float, what: str, *logs: procs.Proc) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n" + "\n".join(p.log_tail() for p in logs))
        time.sleep(0.2)


def _worker(env: dict[str, str], log_dir: Path, name: str) -> procs.Proc:
    cmd = [sys.executable, "manage.py", "rundramatiq", "--processes", "1", "--threads", "2", "--queues", "jobs"]
    return procs.start(name, cmd, env=env, log_dir=log_dir)


@pytest.mark.parametrize("kind", sorted(BROKERS))
def test_article_job_survives_a_killed_worker(kind, auth_client, user, fake_providers, tmp_path, monkeypatch):
    from vocab.tests.factories import PairFactory

    url, options = BROKERS[kind]()
    broker = _broker(kind, url)
    broker.declare_queue("jobs")
    broker.flush_all()
    import json

    # This process enqueues (the API's job_create, the sweep) onto the real broker, like the web
    # and cron processes of a deployment.
    monkeypatch.setattr(run_job, "broker", broker)
    broker.declare_actor(run_job)
    env = procs.app_env(
        fake_url=fake_providers.url,
        media_root=Path(settings.MEDIA_ROOT),
        BROKER_URL=url,
        BROKER_OPTIONS=json.dumps(options),
        JOB_LEASE_SECONDS="5",  # the dead run's hold ends 5 s after its last heartbeat
        JOB_HEARTBEAT_SECONDS="1",
        JOB_TIME_LIMIT_SECONDS="60",  # on a loaded machine the steps before the kill take >20 s
        NLP_PRELOAD="es",  # the cold pipeline load happens at boot (ImportAtBoot), outside the time limit
        PROVIDER_TIMEOUT_SECONDS="60",
        LOG_LEVEL="INFO",
    )
    fake_providers.push_hang("gemini", 60)  # the first worker dies while the speech call is out

    pair = PairFactory(user=user)
    response = auth_client.post("/api/generation/articles", {"language_pair": str(pair.pk), "text": SOURCE})
    assert response.status_code == 202, response.content
    job_id = response.json()["job"]["id"]

    first = _worker(env, tmp_path, f"{kind}-worker-1")
    try:
        _wait_for(lambda: fake_providers.requests_for("gemini"), 90, "the speech call", first)
        time.sleep(0.5)
    finally:
        first.kill()  # SIGKILL: no ack, no cleanup, no goodbye to the broker
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.current_step) == ("running", "speak")

    started = time.monotonic()
    second = _worker(env, tmp_path, f"{kind}-worker-2")
    try:

        def finished() -> bool:
            jobs_sweep(grace=timedelta(seconds=30))  # the cron's every-minute sweep, every second here
            return Job.objects.get(pk=job_id).status in ("succeeded", "failed")

        _wait_for(finished, 150, f"the job to finish ({Job.objects.filter(pk=job_id).values().first()})", second)
    finally:
        second.stop()
    recovered = time.monotonic() - started
    print(f"{kind}: job finished {recovered:.1f}s after the second worker started")

    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded", job.error
    assert job.attempts == 2
    assert TranslatedArticle.objects.filter(job_id=job_id).count() == 1
    article = TranslatedArticle.objects.get(job_id=job_id)
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == [Path(settings.MEDIA_ROOT) / article.audio]
    assert len(fake_providers.requests_for("anthropic")) == 1  # the text was written (and paid) once
    assert len(fake_providers.requests_for("gemini")) == 2
    broker.flush_all()
    broker.close()
