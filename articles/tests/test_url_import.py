"""URL import: public pages are fetched and extracted; every SSRF case is refused before any
connection to the refused address (the internal server counts TCP connections).

The request only runs the checks that need no network (a 400); the page is resolved, fetched and
extracted by the job's `fetch` step, whose refusals fail the job with the reason (issue 19: a slow
server or resolver held every web worker)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from articles.models import SummariseJob
from articles.services import fetch_source
from articles.url_import import UrlRefused, check_url, fetch_html
from langlearn.jobs.models import GenerationUsage, JobStatus
from langlearn.jobs.registry import PermanentJobError, StepContext

from .conftest import Route

URL = "/api/generation/articles"

pytestmark = pytest.mark.django_db


class Refused:
    """What post_url gives back when the job's fetch step refused the page."""

    status_code = 400

    def __init__(self, detail: str):
        self.detail = detail

    def json(self):
        return {"detail": self.detail, "code": "url_refused"}


def post_url(client, pair, url):
    """POST the URL; on a 202, run the job's fetch step as the worker would. A refusal there is
    returned like the 400 the request used to answer, and the job is then failed and removed."""
    resp = client.post(URL, {"language_pair": str(pair.pk), "url": url}, format="json")
    if resp.status_code != 202:
        return resp
    job = SummariseJob.objects.get(pk=resp.json()["job"]["id"])
    try:
        fetch_source(StepContext(job=job, outputs={}, providers=None))
    except PermanentJobError as exc:
        job.delete()
        return Refused(str(exc))
    return resp


def test_a_public_page_is_imported_as_the_source_text(auth_client, pair, public_web):
    public_web.routes["/news"] = Route()
    resp = post_url(auth_client, pair, public_web.url("/news"))
    assert resp.status_code == 202, resp.json()
    job = SummariseJob.objects.get(pk=resp.json()["job"]["id"])
    assert "yearly river festival" in job.params["text"]
    assert "Contact us" not in job.params["text"]  # boilerplate is left out
    assert job.params["source"] == {"type": "url", "url": public_web.url("/news"), "title": "River festival"}


def test_up_to_three_redirects_are_followed(auth_client, pair, public_web):
    public_web.routes["/a"] = Route(status=301, headers={"Location": "/b"})
    public_web.routes["/b"] = Route(status=302, headers={"Location": public_web.url("/c")})
    public_web.routes["/c"] = Route(status=307, headers={"Location": "/news"})
    public_web.routes["/news"] = Route()
    resp = post_url(auth_client, pair, public_web.url("/a"))
    assert resp.status_code == 202, resp.json()
    assert public_web.hits == ["/a", "/b", "/c", "/news"]


def test_a_fourth_redirect_is_refused(auth_client, pair, public_web):
    for here, there in [("/a", "/b"), ("/b", "/c"), ("/c", "/d"), ("/d", "/news")]:
        public_web.routes[here] = Route(status=302, headers={"Location": there})
    public_web.routes["/news"] = Route()
    resp = post_url(auth_client, pair, public_web.url("/a"))
    assert resp.status_code == 400
    assert "redirected more than 3 times" in resp.json()["detail"]
    assert "/news" not in public_web.hits


@pytest.mark.parametrize(
    ("make_url", "reason"),
    [
        (lambda s: s.url("/"), "loopback"),
        (lambda s: f"http://localhost:{s.port}/", "not a public host"),
        (lambda s: f"http://[::1]:{s.port}/", "loopback"),
        (lambda s: f"http://[::ffff:127.0.0.1]:{s.port}/", "loopback"),
        (lambda s: f"http://0.0.0.0:{s.port}/", "reserved"),
        (lambda s: f"http://2130706433:{s.port}/", "loopback"),  # 127.0.0.1 written as one number
        (lambda s: "http://169.254.169.254/latest/meta-data/", "metadata"),
        (lambda s: "http://metadata.google.internal/computeMetadata/v1/", "not a public host"),
        (lambda s: "http://100.100.100.200/latest/meta-data/", "metadata"),
        (lambda s: "http://10.1.2.3/", "private"),
        (lambda s: "http://192.168.0.1/", "private"),
        (lambda s: "http://172.16.5.4/", "private"),
        (lambda s: "http://[fd00::1]/", "private"),
        (lambda s: "http://169.254.1.1/", "link-local"),
        (lambda s: "http://[fe80::1]/", "link-local"),
        (lambda s: "http://224.0.0.1/", "multicast"),
        (lambda s: "ftp://example.com/file.html", "Only http:// and https://"),
        (lambda s: "file:///etc/passwd", "Only http:// and https://"),
        (lambda s: f"http://user:pw@127.0.0.2:{s.port}/", "user name or password"),
        (lambda s: "http://no-such-host.invalid/", "could not be resolved"),  # in the job
    ],
)
def test_ssrf_targets_are_refused_without_a_connection(auth_client, pair, internal_web, make_url, reason):
    resp = post_url(auth_client, pair, make_url(internal_web))
    assert resp.status_code == 400
    assert resp.json()["code"] == "url_refused"
    assert reason in resp.json()["detail"]
    assert internal_web.connections == 0
    assert SummariseJob.objects.count() == 0


@pytest.mark.parametrize("target", ["ip", "name"])
def test_a_redirect_to_an_internal_address_is_refused_before_connecting(
    auth_client, pair, public_web, internal_web, target
):
    host = "127.0.0.1" if target == "ip" else "localhost"
    public_web.routes["/go"] = Route(status=302, headers={"Location": f"http://{host}:{internal_web.port}/admin"})
    resp = post_url(auth_client, pair, public_web.url("/go"))
    assert resp.status_code == 400
    assert resp.json()["code"] == "url_refused"
    assert public_web.hits == ["/go"]
    assert internal_web.connections == 0


def test_a_host_with_any_internal_address_is_refused():
    """DNS answers mixing public and internal records (or rebinding) are refused outright."""

    def resolver(host, port, type=0):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    with pytest.raises(UrlRefused, match="private"):
        check_url("https://news.example.com/story", resolver=resolver)


def test_the_checked_address_is_the_one_connected_to():
    calls = []

    def resolver(host, port, type=0):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    target = check_url("https://news.example.com:8443/story?id=1", resolver=resolver)
    assert (target.address, target.host, target.port, target.path) == (
        "93.184.216.34",
        "news.example.com",
        8443,
        "/story?id=1",
    )
    assert calls == ["news.example.com"]  # resolved exactly once


def test_international_host_names_are_resolved_as_punycode():
    seen = []

    def resolver(host, port, type=0):
        seen.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    assert check_url("http://bücher.example/", resolver=resolver).host == "xn--bcher-kva.example"
    assert seen == ["xn--bcher-kva.example"]


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (Route(headers={"Content-Type": "application/pdf"}, body=b"%PDF-1.4"), "Only HTML pages"),
        (Route(headers={"Content-Type": "application/json"}, body=b"{}"), "Only HTML pages"),
        (Route(status=404, body=b"nope"), "HTTP 404"),
        (Route(body=b"<html><body><p>Too short.</p></body></html>"), "enough article text"),
        (
            Route(headers={"Content-Type": "text/html", "Content-Length": str(3 * 1024 * 1024)}, body=b"<html>"),
            "larger than 2 MB",
        ),
        (Route(body=b"<html>" + b"a" * (2 * 1024 * 1024 + 10), send_length=False), "larger than 2 MB"),
        (Route(status=302, headers={}), "without a location"),
    ],
)
def test_unusable_pages_are_refused(auth_client, pair, public_web, route, reason):
    public_web.routes["/page"] = route
    resp = post_url(auth_client, pair, public_web.url("/page"))
    assert resp.status_code == 400
    assert reason in resp.json()["detail"]
    assert SummariseJob.objects.count() == 0


def test_a_slow_page_times_out(auth_client, pair, public_web, settings):
    settings.URL_IMPORT_READ_TIMEOUT = 0.3
    public_web.routes["/slow"] = Route(delay=1.5)
    resp = post_url(auth_client, pair, public_web.url("/slow"))
    assert resp.status_code == 400
    assert "too long" in resp.json()["detail"]


def test_the_request_answers_202_without_resolving_the_host(auth_client, pair):
    # A name that cannot resolve is accepted by the request: resolution happens in the job.
    url = "http://no-such-host.invalid/story"
    resp = auth_client.post(URL, {"language_pair": str(pair.pk), "url": url}, format="json")
    assert resp.status_code == 202, resp.json()
    job = SummariseJob.objects.get(pk=resp.json()["job"]["id"])
    assert job.params["source"] == {"type": "url", "url": url, "title": ""}
    assert job.params["text"] == ""
    assert job.step("fetch")["status"] == "pending"


def test_a_refused_page_fails_the_job_with_the_reason(auth_client, pair, public_web, fake_providers):
    from langlearn.clients import get_providers
    from langlearn.jobs.runner import job_run

    public_web.routes["/pdf"] = Route(headers={"Content-Type": "application/pdf"}, body=b"%PDF-1.4")
    resp = auth_client.post(URL, {"language_pair": str(pair.pk), "url": public_web.url("/pdf")}, format="json")
    assert resp.status_code == 202
    job = job_run(job_id=resp.json()["job"]["id"], providers=get_providers())
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Only HTML pages" in job.error
    assert job.step("write")["status"] == "pending"  # nothing was paid for
    assert GenerationUsage.objects.get(user=job.user).count == 0  # so the quota unit is given back


def test_a_server_trickling_its_headers_is_cut_at_the_deadline(settings):
    """The read timeout restarts with every byte; the overall deadline does not."""
    settings.URL_IMPORT_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    settings.URL_IMPORT_READ_TIMEOUT = 5.0
    settings.URL_IMPORT_DEADLINE = 1.0
    server = socket.create_server(("127.0.0.2", 0))
    port = server.getsockname()[1]
    stop = threading.Event()

    def trickle():
        conn, _ = server.accept()
        with conn:
            conn.recv(4096)
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                if stop.is_set():
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    started = time.monotonic()
    try:
        with pytest.raises(UrlRefused, match="too long"):
            fetch_html(f"http://127.0.0.2:{port}/")
    finally:
        stop.set()
        server.close()
    assert time.monotonic() - started < 2.5


def test_a_slow_resolver_is_abandoned_at_the_deadline(settings):
    settings.URL_IMPORT_DEADLINE = 0.5

    def slow(host, port, type=0):
        time.sleep(3)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]

    started = time.monotonic()
    with pytest.raises(UrlRefused, match="too long"):
        fetch_html("http://slow-dns.example/", resolver=slow)
    assert time.monotonic() - started < 1.5
