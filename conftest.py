"""Shared fixtures: API clients with tokens, a Dramatiq worker over the StubBroker, media in a
temporary folder, the provider fake server (`fake_providers`) and S3 on moto (`s3_storage`)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any

import dramatiq
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tests.factories import AccountFactory, EditorFactory
from langlearn.testing import FAKE_KEYS, client_for


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):
    return AccountFactory()


@pytest.fixture
def other_user(db):
    return AccountFactory()


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def auth_client(user) -> APIClient:
    return client_for(user)


@pytest.fixture
def other_client(other_user) -> APIClient:
    return client_for(other_user)


@pytest.fixture
def editor_client(editor) -> APIClient:
    return client_for(editor)


@pytest.fixture
def pair(user):
    """The learner's en→es pair at A2 (apps that need another level or pair override this)."""
    from vocab.tests.factories import PairFactory

    return PairFactory(user=user)


@pytest.fixture
def other_pair(other_user):
    from vocab.tests.factories import PairFactory

    return PairFactory(user=other_user)


@pytest.fixture
def broker():
    broker = dramatiq.get_broker()
    _reset_stub_broker(broker)
    yield broker
    _reset_stub_broker(broker)


def _reset_stub_broker(broker) -> None:
    """Empty every queue and zero its unfinished-task count. A worker stopped while holding a message
    (a delayed retry, say) never acks it, and the StubBroker has no requeue: the count would stay
    above zero and every later `broker.join()` on that queue would wait forever."""
    broker.flush_all()
    for queue in broker.queues.values():
        with queue.all_tasks_done:
            queue.unfinished_tasks = 0
            queue.all_tasks_done.notify_all()


@pytest.fixture
def worker(broker):
    """A real dramatiq.Worker over the StubBroker. Tests using it need
    `@pytest.mark.django_db(transaction=True)`: the worker threads have their own connections."""
    worker = dramatiq.Worker(broker, worker_timeout=100, worker_threads=2)
    worker.start()
    yield worker
    worker.stop()
    # A stopped Worker leaves its middleware on the broker, and that middleware starts a consumer for
    # every queue declared later: a zombie consumer that takes messages no thread will ever process.
    broker.middleware[:] = [m for m in broker.middleware if getattr(m, "worker", None) is not worker]


@pytest.fixture(scope="session", autouse=True)
def _declare_every_queue(django_db_blocker):
    """Import every app's actors up front, as `rundramatiq` does, so each test's worker consumes
    every queue from its start instead of queues being declared halfway through a test."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")


# --- providers ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _offline_providers_by_default(settings):
    """No test reaches a paid API because a developer's .env holds real keys: without
    `fake_providers`, every client is the offline demo provider."""
    for name in FAKE_KEYS:
        setattr(settings, name, "")


@pytest.fixture(scope="session")
def _fake_provider_server():
    from langlearn.clients.fakes import FakeProviderServer

    server = FakeProviderServer().start()
    yield server
    server.stop()


@pytest.fixture
def fake_providers(settings, _fake_provider_server):
    """The real SDK clients, pointed at the loopback fake server (see langlearn/clients/fakes.py):
    `.url`, `.requests`, `.requests_for(provider)`, `.push(...)`, `.push_error(...)`,
    `.push_hang(...)`, `.push_malformed(...)`, `.push_text(...)`, `.push_tool_input(...)`,
    `.push_audio(...)`, `.push_translations(...)`, `.push_transcript(...)`.

    SDK retries are off (PROVIDER_SDK_MAX_RETRIES=0) so one scripted error is one failed call;
    set it to 1 in a test that checks the SDK's own retry. Timeout 5 s: lower it for hang tests."""
    from langlearn.clients import reset_clients

    server = _fake_provider_server
    server.reset()
    for name, value in FAKE_KEYS.items():
        setattr(settings, name, value)
    settings.ANTHROPIC_BASE_URL = settings.GEMINI_BASE_URL = server.url
    settings.DEEPL_SERVER_URL = settings.DEEPGRAM_BASE_URL = server.url
    settings.PROVIDER_TIMEOUT_SECONDS = 5.0
    settings.PROVIDER_SDK_MAX_RETRIES = 0
    settings.PROVIDER_SDK_RETRY_INITIAL_DELAY = 0.01
    reset_clients()
    yield server
    server.reset()
    reset_clients()


# --- S3 on moto --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_s3_endpoint():
    """moto's S3-compatible server on a free loopback port, for the whole session."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


@dataclass
class S3Storage:
    endpoint_url: str
    bucket: str
    client: Any  # boto3 S3 client, for assertions on the bucket's contents

    @property
    def storage(self):
        from django.core.files.storage import default_storage

        return default_storage


@pytest.fixture
def s3_storage(settings, moto_s3_endpoint) -> S3Storage:
    """Django's default storage switched to S3 (django-storages) on moto, with a fresh bucket per
    test, path addressing and SigV4 presigning like production. `langlearn.storage` uses it."""
    import boto3

    bucket = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=moto_s3_endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "endpoint_url": moto_s3_endpoint,
                "bucket_name": bucket,
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "querystring_auth": True,
                "querystring_expire": settings.MEDIA_URL_EXPIRE_SECONDS,
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    return S3Storage(endpoint_url=moto_s3_endpoint, bucket=bucket, client=client)
