"""Article fixtures: learners' language pairs, and loopback web servers for URL import — one on
127.0.0.2 that tests treat as "the public internet", one on 127.0.0.1 that must never be reached."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .factories import PairFactory

ARTICLE_HTML = (
    "<html><head><title>Local news</title></head><body><nav>Home | About</nav><article><h1>River festival</h1>"
    + "".join(
        f"<p>Paragraph {i}: the town held its yearly river festival with boats, music and food stalls "
        "along the water, and thousands of visitors came from nearby villages to watch.</p>"
        for i in range(6)
    )
    + "</article><footer>Contact us</footer></body></html>"
)


@pytest.fixture
def pair(user):
    # One draft per article here: the coverage loop's rounds are tested in test_leveling.py, and
    # these tests count provider calls (an empty word bank would make every draft "too hard").
    return PairFactory(user=user, revision_rounds=0)


@pytest.fixture
def other_pair(other_user):
    return PairFactory(user=other_user)


@dataclass
class Route:
    status: int = 200
    body: bytes = ARTICLE_HTML.encode()
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0
    send_length: bool = True


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True
    connections = 0

    def get_request(self):
        request = super().get_request()
        self.connections += 1  # every accepted TCP connection, whether or not a request follows
        return request


class WebServer:
    def __init__(self, host: str):
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits.append(self.path)
                route = server.routes.get(self.path, Route(status=404, body=b"not found"))
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.send_length and "Content-Length" not in route.headers:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, *args):
                pass

        self.httpd = CountingServer((host, 0), Handler)
        self.host, self.port = self.httpd.server_address[:2]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def connections(self) -> int:
        return self.httpd.connections

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def public_web(settings):
    settings.URL_IMPORT_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    server = WebServer("127.0.0.2")
    yield server
    server.close()


@pytest.fixture
def internal_web():
    """A server on a refused address: any hit on it is an SSRF."""
    server = WebServer("127.0.0.1")
    yield server
    server.close()
