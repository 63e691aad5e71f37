"""Issue 19: with the database unreachable the API answered 500, and /readyz showed the database
host, port and driver error to anyone. Now: 503 with Retry-After, and no connection details."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Account


@pytest.fixture
def database_down(django_db_blocker, settings):
    """The default connection pointed at a port nothing listens on, for this test only."""
    settings.DEBUG = False
    with django_db_blocker.unblock():
        connection.close()
        saved = dict(connection.settings_dict)
        connection.settings_dict.update(HOST="127.0.0.1", PORT="9", OPTIONS={**saved["OPTIONS"], "connect_timeout": 2})
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/auth/login", {"email": "a@example.com", "password": "whatever-123"}),
        ("post", "/api/auth/register", {"email": "a@example.com", "password": "a-long-passphrase-1"}),
        ("get", "/api/vocab/entries", None),
    ],
)
def test_api_answers_503_with_retry_after(database_down, method, path, body):
    client = APIClient(raise_request_exception=False)
    token = AccessToken.for_user(Account(id=uuid.uuid4(), email="a@example.com"))  # valid; the account is looked up
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = getattr(client, method)(path, body, format="json") if body else getattr(client, method)(path)
    assert response.status_code == 503, response.content[:300]
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "service_unavailable"
    assert "127.0.0.1" not in response.content.decode()


def test_admin_outside_drf_answers_503(database_down):
    response = Client(raise_request_exception=False).post(
        "/admin/login/", {"username": "a@example.com", "password": "whatever-123"}
    )
    assert response.status_code == 503, response.content[:300]
    assert response["Retry-After"]


def test_readyz_does_not_show_the_database_address(database_down):
    response = Client(raise_request_exception=False).get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["database"] == "error"
    text = response.content.decode()
    for leak in ("127.0.0.1", "port 9", "psycopg", "OperationalError", "Connection refused"):
        assert leak not in text
