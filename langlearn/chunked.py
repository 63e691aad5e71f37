"""Request bodies sent with `Transfer-Encoding: chunked` (no Content-Length).

Gunicorn decodes the chunks and hands the body over as `wsgi.input`, but without CONTENT_LENGTH;
Django reads CONTENT_LENGTH, takes the missing header for 0 and sees an empty body, so a chunked
JSON POST was validated as `{}` (issue 19). This WSGI wrapper reads such a body (up to the largest
body the API accepts, else 413) and gives Django its length."""

from __future__ import annotations

import io
import json

from django.conf import settings


def max_body_bytes() -> int:
    # JSON and form bodies are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE; an audio upload by its own
    # limit plus room for the multipart framing.
    return max(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0, settings.AUDIO_UPLOAD_MAX_BYTES + 64 * 1024)


class ChunkedBodyMiddleware:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            limit = max_body_bytes()
            body = environ["wsgi.input"].read(limit + 1)
            if len(body) > limit:
                payload = json.dumps({"detail": "The request body is too large.", "code": "request_too_large"})
                start_response(
                    "413 Request Entity Too Large",
                    [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
                )
                return [payload.encode()]
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)
