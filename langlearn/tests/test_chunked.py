"""Issue 19: a chunked body without Content-Length was read as empty. Driven through the real WSGI
application the way gunicorn calls it (decoded body in wsgi.input, no CONTENT_LENGTH)."""

from __future__ import annotations

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from langlearn.wsgi import application

pytestmark = pytest.mark.django_db


def call(path: str, body: bytes) -> tuple[str, dict]:
    environ: dict = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD="POST",
        PATH_INFO=path,
        SERVER_NAME="testserver",
        HTTP_HOST="testserver",
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )
    environ.pop("CONTENT_LENGTH", None)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    # As Django's test client does: the test's transaction must survive the request's signals.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        return seen["status"], json.loads(b"".join(chunks))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_a_chunked_json_body_is_read(user):
    status, body = call("/api/auth/login", json.dumps({"email": user.email, "password": "wrong-one-123"}).encode())
    # Read as sent: the credentials are checked (401), not reported missing (400).
    assert status.startswith("401"), body
    assert body["code"] == "invalid_credentials"


def test_an_oversized_chunked_body_is_413():
    status, body = call("/api/auth/login", b"x" * (max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE, 6 * 2**20) + 10))
    assert status.startswith("413")
    assert body["code"] == "request_too_large"
