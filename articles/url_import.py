"""Fetch a web page for an article, safely (OWASP API7, server-side request forgery).

A learner-supplied URL is fetched by our server, so it must never reach our own network, the
cloud metadata service or anything else not on the public internet:
- http/https only, no credentials in the URL;
- the host is resolved ONCE; if any address it resolves to is private, loopback, link-local,
  multicast, reserved or a metadata address, the URL is refused — before any connection;
- the connection goes to the checked address (the Host header and TLS SNI/certificate check
  still use the name), so a DNS answer that changes between check and connect (rebinding)
  cannot redirect us;
- at most 3 redirects, each new URL checked the same way; timeouts on connect and read plus a
  hard overall deadline (URL_IMPORT_DEADLINE): name resolution runs in a helper thread that is
  abandoned when the deadline passes, and a watchdog shuts the socket down at the deadline, so a
  server that trickles its headers a byte at a time cannot hold the worker past it;
- a 2 MB cap on the body; text/html (or XHTML) only.
Every refusal raises `UrlRefused` (the reason is shown to the learner). The main text is extracted
with trafilatura.

The web request runs only `precheck_url` (no I/O: scheme, credentials, literal addresses, names such
as `localhost`) and answers 202; resolution and the fetch run in the article job (the `fetch` step),
since a slow resolver or server would otherwise hold a web worker (issue 19).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import trafilatura
import urllib3
from django.conf import settings

from langlearn.errors import InvalidInput

MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
HTML_TYPES = ("text/html", "application/xhtml+xml")
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
USER_AGENT = "LanglearnArticleImporter/1.0 (+https://langlearn.example/bot)"

# Cloud metadata endpoints that are not all covered by the link-local/private checks
# (Alibaba's sits in the shared 100.64/10 range; AWS has an IPv6 one in a ULA range).
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254")
)
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})

Resolver = Callable[..., list]


class UrlRefused(InvalidInput):
    code = "url_refused"


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int
    address: str
    path: str


@dataclass(frozen=True)
class ImportedPage:
    url: str  # the final URL after redirects
    title: str
    text: str


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    # Tests serve "public" pages on 127.0.0.2; never configured in production.
    return [ipaddress.ip_network(n) for n in getattr(settings, "URL_IMPORT_ALLOWED_NETWORKS", [])]


def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why this address may not be fetched, or None when it is a public unicast address."""
    if any(ip in net for net in _allowed_networks()):
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:  # ::ffff:127.0.0.1
        return address_refusal(ip.ipv4_mapped)
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified or ip.is_reserved:
        return "a reserved address"
    if ip.is_private or not ip.is_global:
        return "a private address"
    return None


@dataclass(frozen=True)
class ParsedUrl:
    scheme: str
    host: str
    port: int
    path: str
    literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None


def precheck_url(url: str) -> ParsedUrl:
    """The checks that need no network: refuse what is refused whatever DNS says. Cheap enough for
    the web request."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UrlRefused("The URL is not valid.")
    if parts.scheme not in ("http", "https"):
        raise UrlRefused("Only http:// and https:// URLs can be imported.")
    if parts.username or parts.password:
        raise UrlRefused("URLs with a user name or password are not accepted.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UrlRefused("The URL has no host.")
    try:  # internationalised names travel as punycode (DNS, Host header, TLS SNI)
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UrlRefused("The URL's host name is not valid.")
    port = port or (443 if parts.scheme == "https" else 80)
    if host.lower() in METADATA_HOSTS or host.lower() == "localhost" or host.lower().endswith(".localhost"):
        raise UrlRefused(f"{host} is not a public host; refused.")
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    literal = _literal_address(host)
    if literal is not None:
        _refuse_internal([literal])
    return ParsedUrl(scheme=parts.scheme, host=host, port=port, path=path, literal=literal)


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host written as a number stands for ("127.0.0.1", "[::1]", and the legacy IPv4
    forms the resolver also accepts: "2130706433", "127.1", "0x7f.1"), else None (a name)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host.replace(".", "").replace("x", "").replace("X", "").isalnum() and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _refuse_internal(addresses) -> None:
    for ip in addresses:
        # Refuse when ANY answer is internal: with several A records a client could pick that one.
        reason = address_refusal(ip)
        if reason:
            raise UrlRefused(f"The URL points to {reason} ({ip}); only public web pages can be imported.")


def _resolve(host: str, port: int, resolver: Resolver, deadline: float | None) -> list:
    """getaddrinfo cannot be interrupted: run it in a daemon thread and stop waiting at the deadline."""
    if deadline is None:
        return resolver(host, port, type=socket.SOCK_STREAM)
    found: dict[str, object] = {}

    def work() -> None:
        try:
            found["infos"] = resolver(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # handed back to the waiting thread
            found["error"] = exc

    thread = threading.Thread(target=work, name=f"resolve {host}", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise UrlRefused(f"The host {host} took too long to resolve.")
    if "error" in found:
        raise found["error"]  # type: ignore[misc]
    return found["infos"]  # type: ignore[return-value]


def check_url(url: str, *, resolver: Resolver = socket.getaddrinfo, deadline: float | None = None) -> Target:
    """Validate the URL and resolve its host once; refuse anything not public. No connection."""
    parsed = precheck_url(url)
    host, port = parsed.host, parsed.port
    if parsed.literal is not None:
        addresses = [parsed.literal]
    else:
        try:
            infos = _resolve(host, port, resolver, deadline)
        except (OSError, UnicodeError):
            raise UrlRefused(f"The host {host} could not be resolved.")
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos))
        if not addresses:
            raise UrlRefused(f"The host {host} could not be resolved.")
        # Refuse when ANY answer is internal: with several A records a client could pick that one.
        _refuse_internal(addresses)
    return Target(url=url, scheme=parsed.scheme, host=host, port=port, address=str(addresses[0]), path=parsed.path)


class _Tracked:
    """A pool that remembers the connections it opened, so the watchdog can cut them."""

    def _new_conn(self):
        conn = super()._new_conn()
        self.opened.append(conn)
        return conn


class _HTTPPool(_Tracked, urllib3.HTTPConnectionPool):
    pass


class _HTTPSPool(_Tracked, urllib3.HTTPSConnectionPool):
    pass


class _Watchdog:
    """At the deadline, shut down every socket of the pools in use: a read blocked on a server that
    trickles bytes (each within the read timeout) returns at once with an error."""

    def __init__(self, deadline: float):
        self.pools: list = []
        self.expired = False
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True

    def __enter__(self):
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()

    def _fire(self) -> None:
        self.expired = True
        for pool in self.pools:
            for conn in pool.opened:
                sock = getattr(conn, "sock", None)
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)


def _pool(target: Target, deadline: float | None = None) -> urllib3.HTTPConnectionPool:
    connect, read = settings.URL_IMPORT_CONNECT_TIMEOUT, settings.URL_IMPORT_READ_TIMEOUT
    if deadline is not None:
        left = max(0.01, deadline - time.monotonic())
        connect, read = min(connect, left), min(read, left)
    timeout = urllib3.Timeout(connect=connect, read=read)
    if target.scheme == "https":
        # Connect to the checked IP, but verify the certificate for (and send SNI of) the name.
        pool = _HTTPSPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
        )
    else:
        pool = _HTTPPool(target.address, target.port, timeout=timeout, retries=False, maxsize=1)
    pool.opened = []
    return pool


def _host_header(target: Target) -> str:
    default = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == default else f"{host}:{target.port}"


def fetch_html(url: str, *, resolver: Resolver = socket.getaddrinfo) -> tuple[str, bytes]:
    """GET the page (following up to 3 checked redirects) and return (final URL, HTML bytes), all
    within URL_IMPORT_DEADLINE seconds whatever the resolver and the server do."""
    deadline = time.monotonic() + settings.URL_IMPORT_DEADLINE
    with _Watchdog(deadline) as watchdog:
        too_long = UrlRefused(f"The page took too long to download (over {settings.URL_IMPORT_DEADLINE:g} s).")
        try:
            found = _fetch(url, resolver, deadline, watchdog)
        except UrlRefused:
            if watchdog.expired:
                raise too_long from None
            raise
        if watchdog.expired:  # the cut socket may read as a clean end of a page with no length
            raise too_long
        return found


def _fetch(url: str, resolver: Resolver, deadline: float, watchdog: _Watchdog) -> tuple[str, bytes]:
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        target = check_url(current, resolver=resolver, deadline=deadline)
        pool = _pool(target, deadline)
        watchdog.pools.append(pool)
        try:
            resp = pool.urlopen(
                "GET",
                target.path,
                headers={"Host": _host_header(target), "User-Agent": USER_AGENT, "Accept": ", ".join(HTML_TYPES)},
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.TimeoutError:
            raise UrlRefused("The page took too long to answer.")
        except urllib3.exceptions.SSLError:
            raise UrlRefused("The page's TLS certificate could not be verified.")
        except urllib3.exceptions.HTTPError as exc:
            raise UrlRefused(f"The page could not be fetched ({exc.__class__.__name__}).")
        try:
            if resp.status in REDIRECT_STATUSES:
                location = resp.headers.get("Location")
                if not location:
                    raise UrlRefused(f"The page answered a redirect (HTTP {resp.status}) without a location.")
                if hop == MAX_REDIRECTS:
                    raise UrlRefused(f"The page redirected more than {MAX_REDIRECTS} times.")
                current = urljoin(current, location)
                continue
            if resp.status != 200:
                raise UrlRefused(f"The page answered HTTP {resp.status}.")
            content_type = (resp.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
            if content_type not in HTML_TYPES:
                raise UrlRefused(f"Only HTML pages can be imported (the URL serves {content_type or 'no type'}).")
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                raise UrlRefused("The page is larger than 2 MB.")
            return current, _read_capped(resp, deadline)
        finally:
            resp.release_conn()
            pool.close()
    raise UrlRefused(f"The page redirected more than {MAX_REDIRECTS} times.")  # pragma: no cover


def _read_capped(resp: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in resp.stream(64 * 1024, decode_content=True):
            size += len(chunk)
            if size > MAX_BYTES:
                raise UrlRefused("The page is larger than 2 MB.")
            if time.monotonic() > deadline:
                raise UrlRefused("The page took too long to download.")
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError:
        raise UrlRefused("The page took too long to answer.")
    except urllib3.exceptions.HTTPError as exc:
        raise UrlRefused(f"The page could not be read ({exc.__class__.__name__}).")
    return b"".join(chunks)


def import_page(url: str, *, resolver: Resolver = socket.getaddrinfo) -> ImportedPage:
    """Fetch `url` safely and extract its main text and title."""
    final_url, html = fetch_html(url, resolver=resolver)
    doc = trafilatura.bare_extraction(html, url=final_url, with_metadata=True, include_comments=False)
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    title = (getattr(doc, "title", None) or "").strip() if doc is not None else ""
    return ImportedPage(url=final_url, title=title[:300], text=text)
