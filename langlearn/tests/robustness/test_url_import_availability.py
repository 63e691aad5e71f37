"""Issue 19: five concurrent article-from-URL requests to a slow server held every gunicorn worker
and the whole API timed out for ~40 s. The request now answers 202 after checks that need no
network; the page is fetched by the job. Measured here under gunicorn (3 workers) against a server
that accepts connections and never answers: prints the request latencies and a /healthz taken
while they run (figures, no timed asserts)."""

from __future__ import annotations

import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from accounts.tests.factories import AccountFactory
from vocab.tests.factories import PairFactory

from . import procs

pytestmark = pytest.mark.django_db(transaction=True)


def test_url_requests_do_not_hold_web_workers(tmp_path):
    from rest_framework_simplejwt.tokens import AccessToken

    black_hole = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    black_hole.listen(64)
    account = AccountFactory()
    pair = PairFactory(user=account)
    token = str(AccessToken.for_user(account))
    env = procs.app_env(fake_url=None, media_root=Path(settings.MEDIA_ROOT))
    server = procs.start_gunicorn(env, tmp_path, workers=3)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        url = f"http://slow.example:{black_hole.getsockname()[1]}/story"

        def post(_):
            started = time.monotonic()
            r = httpx.post(
                f"{server.url}/api/generation/articles",
                json={"language_pair": str(pair.pk), "url": url},
                headers=headers,
                timeout=60,
            )
            return r.status_code, time.monotonic() - started

        with ThreadPoolExecutor(3) as pool:  # warm every worker up (first requests import the apps)
            warm = [pool.submit(post, i) for i in range(6)]
            assert [f.result()[0] for f in warm] == [202] * 6

        with ThreadPoolExecutor(10) as pool:
            futures = [pool.submit(post, i) for i in range(10)]
            time.sleep(0.2)
            health_started = time.monotonic()
            health = httpx.get(f"{server.url}/healthz", timeout=60)
            health_seconds = time.monotonic() - health_started
            results = [f.result() for f in futures]
    finally:
        server.stop()
        black_hole.close()
    latencies = sorted(seconds for _, seconds in results)
    print(
        f"10 concurrent URL requests: statuses {sorted({s for s, _ in results})}, "
        f"latency median {latencies[4] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; "
        f"/healthz meanwhile {health_seconds * 1000:.0f} ms"
    )
    assert [s for s, _ in results] == [202] * 10
    assert health.status_code == 200
