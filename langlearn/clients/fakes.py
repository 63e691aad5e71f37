"""A loopback fake of the four provider HTTP APIs, for tests and offline development.

The real SDK clients are pointed at it by base URL, so their request building, retries and
response parsing all run. It answers:

* Anthropic  POST /v1/messages               text or tool_use (forced tool → schema-valid input)
* Gemini     POST /<ver>/models/<m>:generateContent   inline base64 24 kHz PCM
* DeepL      POST /v2/translate, GET/POST /v2/languages (form body `type=target`), GET /v2/usage
* Deepgram   POST /v1/listen                 transcript, confidence, word timings

Tests script answers per provider (FIFO; the default answer when the queue is empty) and read
back what the server received. Standalone, for benchmarks and dev:

    python -m langlearn.clients.fakes --port 8765 [--delay 0.3]

No Django imports: it must run standalone.
"""

from __future__ import annotations

import argparse
import json as jsonlib
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import fake_responses as bodies

PROVIDERS = ("anthropic", "gemini", "deepl", "deepgram")

# Make SDK retries instant: anthropic obeys retry-after-ms; deepgram and others read retry-after.
RETRY_HEADERS = {"retry-after-ms": "1", "retry-after": "0"}


class Headers(dict):
    """Request headers with case-insensitive lookup (`headers["authorization"]` or `["Authorization"]`)."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__((k.lower(), v) for k, v in (items.items() if hasattr(items, "items") else items))

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)


@dataclass
class RecordedRequest:
    provider: str  # "anthropic" | "gemini" | "deepl" | "deepgram" | "unknown"
    method: str
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: Headers
    body: bytes
    json: Any | None  # parsed JSON body, or None
    form: dict[str, list[str]] = field(default_factory=dict)  # parsed form body (DeepL /v2/languages)


# A scripted answer: (request) -> (status, headers, body bytes); plus a delay before answering.
Builder = Callable[[RecordedRequest], tuple[int, dict[str, str], bytes]]


@dataclass
class _Scripted:
    build: Builder
    delay: float = 0.0


def _json_answer(status: int, payload: Any, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    return status, {"content-type": "application/json", **(headers or {})}, jsonlib.dumps(payload).encode()


def provider_for(path: str) -> str:
    if path.endswith("/v1/messages"):
        return "anthropic"
    if ":generateContent" in path:
        return "gemini"
    if path.startswith("/v2/"):
        return "deepl"
    if path.endswith("/v1/listen"):
        return "deepgram"
    return "unknown"


def default_answer(req: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
    payload = req.json if isinstance(req.json, dict) else {}
    match req.provider:
        case "anthropic":
            if payload.get("tools"):
                return _json_answer(200, bodies.anthropic_tool_use(payload))
            return _json_answer(200, bodies.anthropic_text(payload))
        case "gemini":
            return _json_answer(200, bodies.gemini_audio())
        case "deepl":
            if req.path.endswith("/translate"):
                form = {k: v if k == "text" else v[0] for k, v in req.form.items()}
                return _json_answer(200, bodies.deepl_translate(payload or form))
            if req.path.endswith("/languages"):
                kind = (req.form.get("type") or req.query.get("type") or ["source"])[0]
                return _json_answer(200, bodies.deepl_languages(kind))
            if req.path.endswith("/usage"):
                return _json_answer(200, {"character_count": 10, "character_limit": 500_000})
            return _json_answer(404, bodies.deepl_error(404))
        case "deepgram":
            model = (req.query.get("model") or ["nova-3"])[0]
            return _json_answer(200, bodies.deepgram_transcript(model=model))
    return _json_answer(404, {"error": f"fake server: no provider answers {req.path}"})


class FakeProviderServer:
    """The fake server plus its scripting API. One instance may serve a whole test session;
    `reset()` clears recorded requests and scripted answers between tests."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, default_delay: float = 0.0) -> None:
        self.default_delay = default_delay
        self.requests: list[RecordedRequest] = []
        self._queues: dict[str, deque[_Scripted]] = {p: deque() for p in PROVIDERS}
        self._lock = threading.Lock()
        self._wake = threading.Event()  # set on reset/stop so hanging handlers let go early
        self._httpd = ThreadingHTTPServer((host, port), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeProviderServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-providers", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._wake.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeProviderServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            for queue in self._queues.values():
                queue.clear()
            self._wake.set()  # release handlers still hanging from the previous test
            self._wake = threading.Event()

    # --- inspection -----------------------------------------------------------------------------
    def requests_for(self, provider: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.provider == provider]

    # --- scripting ------------------------------------------------------------------------------
    def _enqueue(self, provider: str, scripted: _Scripted, times: int = 1) -> None:
        if provider not in PROVIDERS:
            raise ValueError(f"unknown provider {provider!r}; one of {PROVIDERS}")
        with self._lock:
            self._queues[provider].extend([scripted] * times)

    def push(
        self,
        provider: str,
        *,
        status: int = 200,
        json: Any = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        body: bytes | None = None,
    ) -> None:
        """Queue one answer: `json` (or raw `body`) with `status`; with neither, the default body."""

        def build(req: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
            if body is not None:
                return status, {"content-type": "application/json", **(headers or {})}, body
            if json is None:
                _, default_headers, default_body = default_answer(req)
                return status, {**default_headers, **(headers or {})}, default_body
            return _json_answer(status, json, headers)

        self._enqueue(provider, _Scripted(build, delay))

    def push_error(self, provider: str, status: int, *, times: int = 1, delay: float = 0.0) -> None:
        """Queue `times` error answers (e.g. 429/500/529) in the provider's error shape, with
        retry headers that make SDK retries immediate."""
        error_body = bodies.ERROR_BODIES[provider](status)
        self._enqueue(provider, _Scripted(lambda req: _json_answer(status, error_body, RETRY_HEADERS), delay), times)

    def push_hang(self, provider: str, seconds: float, *, times: int = 1) -> None:
        """Queue answers that arrive only after `seconds` (set the client timeout below it).
        Use `times` > 1 when SDK retries are on: each attempt takes one queued answer."""
        self._enqueue(provider, _Scripted(default_answer, delay=seconds), times)

    def push_malformed(self, provider: str, *, times: int = 1) -> None:
        """Queue a 200 whose body the SDK cannot use; for Anthropic tool use, a tool_use whose
        input violates the request's schema (a text request gets an unparseable body)."""

        def build(req: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
            if provider == "anthropic" and isinstance(req.json, dict) and req.json.get("tools"):
                return _json_answer(200, bodies.anthropic_invalid_tool_use(req.json))
            if provider == "deepgram":
                return _json_answer(200, {"results": "not-a-result", "metadata": None})
            return 200, {"content-type": "application/json"}, b'{"this is": not json'

        self._enqueue(provider, _Scripted(build), times)

    def push_text(self, text: str) -> None:
        """Queue an Anthropic text answer."""
        self._enqueue("anthropic", _Scripted(lambda req: _json_answer(200, bodies.anthropic_text(req.json, text))))

    def push_tool_input(self, data: dict[str, Any]) -> None:
        """Queue an Anthropic tool_use answer carrying `data`, named after the request's tool."""
        self._enqueue("anthropic", _Scripted(lambda req: _json_answer(200, bodies.anthropic_tool_use(req.json, data))))

    def push_audio(self, pcm: bytes, *, rate: int = bodies.SAMPLE_RATE) -> None:
        """Queue a Gemini answer carrying this raw PCM."""
        self._enqueue("gemini", _Scripted(lambda req: _json_answer(200, bodies.gemini_audio(pcm, rate=rate))))

    def push_translations(self, texts: list[str], *, detected_source: str = "EN") -> None:
        """Queue a DeepL /v2/translate answer with these texts."""
        payload = {
            "translations": [
                {"detected_source_language": detected_source, "text": t, "billed_characters": len(t)} for t in texts
            ]
        }
        self._enqueue("deepl", _Scripted(lambda req: _json_answer(200, payload)))

    def push_transcript(self, text: str, confidence: float = 0.95) -> None:
        """Queue a Deepgram answer with this transcript."""
        self._enqueue(
            "deepgram", _Scripted(lambda req: _json_answer(200, bodies.deepgram_transcript(text, confidence)))
        )

    # --- serving (called from handler threads) --------------------------------------------------
    def _answer(self, req: RecordedRequest) -> tuple[float, tuple[int, dict[str, str], bytes], threading.Event]:
        with self._lock:
            self.requests.append(req)
            queue = self._queues.get(req.provider)
            scripted = queue.popleft() if queue else None
            wake = self._wake
        if scripted is None:
            return self.default_delay, default_answer(req), wake
        return scripted.delay or self.default_delay, scripted.build(req), wake


def _make_handler(server: FakeProviderServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like the real APIs; SDK connection pools reuse it

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes; without this, Nagle plus delayed ACKs
            # add ~40 ms to every keep-alive request.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            content_type = self.headers.get("content-type", "")
            parsed_json, form = None, {}
            if raw and "x-www-form-urlencoded" in content_type:
                form = parse_qs(raw.decode("utf-8", "replace"))
            elif raw:
                try:
                    parsed_json = jsonlib.loads(raw)
                except ValueError:
                    parsed_json = None
            req = RecordedRequest(
                provider=provider_for(parts.path),
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers=Headers(self.headers.items()),
                body=raw,
                json=parsed_json,
                form=form,
            )
            delay, (status, headers, body), wake = server._answer(req)
            if delay:
                wake.wait(delay)
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test): nothing to answer

        do_GET = do_POST = do_PUT = do_DELETE = _handle

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Loopback fake of Anthropic, Gemini, DeepL and Deepgram.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before every answer")
    args = parser.parse_args(argv)
    server = FakeProviderServer(args.host, args.port, default_delay=args.delay)
    print(f"fake providers on {server.url} (delay {args.delay}s); point *_BASE_URL / DEEPL_SERVER_URL here")
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
