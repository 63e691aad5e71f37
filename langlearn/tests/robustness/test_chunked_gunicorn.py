"""Issue 19 under the real server: gunicorn decodes a chunked body but passes no CONTENT_LENGTH,
and Django read it as empty. A raw HTTP/1.1 request with `Transfer-Encoding: chunked` to gunicorn
serving langlearn.wsgi must reach the view with its body."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tests.factories import AccountFactory

from . import procs

pytestmark = pytest.mark.django_db(transaction=True)


def _chunked_post(port: int, path: str, body: bytes) -> tuple[int, dict]:
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:10], body[10:])) + b"0\r\n\r\n"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head + chunks)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    status = int(answer.split(b" ", 2)[1])
    return status, json.loads(answer.split(b"\r\n\r\n", 1)[1])


def test_gunicorn_passes_a_chunked_json_body_to_the_view(tmp_path):
    account = AccountFactory()
    env = procs.app_env(fake_url=None, media_root=Path(settings.MEDIA_ROOT))
    server = procs.start_gunicorn(env, tmp_path, workers=1)
    try:
        body = json.dumps({"email": account.email, "password": "not-the-password-1"}).encode()
        status, answer = _chunked_post(server.port, "/api/auth/login", body)
    finally:
        server.stop()
    # The credentials were read and checked (401), not reported missing (400).
    assert status == 401, answer
    assert answer["code"] == "invalid_credentials"
