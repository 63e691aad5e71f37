"""Shared fixtures: API clients with tokens, a Dramatiq worker over the StubBroker, media in a
temporary folder. Provider fakes live in langlearn/clients/fakes.py and are exposed here too."""

from __future__ import annotations

import dramatiq
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import AccountFactory, EditorFactory


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def client_for(account) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(account).access_token}")
    return client


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
def broker():
    broker = dramatiq.get_broker()
    broker.flush_all()
    yield broker
    broker.flush_all()


@pytest.fixture
def worker(broker):
    """A real dramatiq.Worker over the StubBroker. Tests using it need
    `@pytest.mark.django_db(transaction=True)`: the worker threads have their own connections."""
    worker = dramatiq.Worker(broker, worker_timeout=100, worker_threads=2)
    worker.start()
    yield worker
    worker.stop()


def run_jobs(broker, worker, *queues: str) -> None:
    """Drain the given queues (default: all declared) and wait for in-flight messages."""
    for queue in queues or tuple(broker.get_declared_queues()):
        broker.join(queue, fail_fast=True)
    worker.join()
