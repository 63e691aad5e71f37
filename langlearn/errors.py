"""Domain exceptions and the one DRF exception handler that maps them to HTTP.

Every error body is `{"detail": "...", "code": "..."}`; validation errors keep DRF's field map
(`{"field": ["message"], ...}`) with `detail` and `code` added so clients can rely on one shape.
"""

from __future__ import annotations

import logging
import math
import sys

from django.core.exceptions import ObjectDoesNotExist, ObjectNotUpdated, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class DomainError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "error"
    default_detail = "The request could not be processed."

    def __init__(self, detail: str | None = None, *, code: str | None = None, extra: dict | None = None):
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.extra = extra or {}
        super().__init__(self.detail)


class InvalidInput(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"
    default_detail = "Invalid input."


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    default_detail = "Not found."


class Conflict(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"
    default_detail = "The request conflicts with the current state."


class QuotaExceeded(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "quota_exceeded"
    default_detail = "Quota exceeded."

    def __init__(self, detail: str | None = None, *, retry_after: float | None = None, **kwargs):
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after


class ProviderUnavailable(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "provider_unavailable"
    default_detail = "An upstream service is unavailable; try again shortly."

    def __init__(self, detail: str | None = None, *, retry_after: float | None = 30, **kwargs):
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after


class STTNotConfigured(ProviderUnavailable):
    """The server has no speech-to-text key: no score can be given, and retrying will not help."""

    code = "stt_not_configured"
    default_detail = "Speech recognition is not set up on this server, so recordings cannot be scored."

    def __init__(self, detail: str | None = None, **kwargs):
        super().__init__(detail, retry_after=None, **kwargs)


# How long a client should wait before retrying when the database cannot be reached.
DATABASE_RETRY_AFTER_SECONDS = 30


def _is_foreign_key_violation(exc: IntegrityError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == "23503"  # PostgreSQL foreign_key_violation


_TOO_BIG = "The request body is larger than this API accepts."


def _body(detail, code: str, **extra) -> dict:
    return {"detail": str(detail), "code": code, **extra}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        headers = {}
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        return Response(_body(exc.detail, exc.code, **exc.extra), status=exc.status_code, headers=headers)

    if isinstance(exc, OperationalError | InterfaceError):
        return database_unavailable(exc)
    if isinstance(exc, RequestDataTooBig):
        return Response(_body(_TOO_BIG, "request_too_large"), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, ObjectNotUpdated | ObjectDoesNotExist):
        # save(update_fields=...) or a re-read of a row another request deleted after this one read
        # it: the object is gone, which is a 404 whichever request won the race, never a 500.
        logger.info("Object gone mid-request answered 404: %r", exc)
        exc = exceptions.NotFound("Not found: it was deleted while this request ran.")
    elif isinstance(exc, IntegrityError) and _is_foreign_key_violation(exc):
        # Rows written for a parent (a pair, an adventure, an article) that a concurrent request
        # deleted: PostgreSQL checks the deferred foreign key at commit and refuses. Nothing was
        # written; the thing the request refers to is gone. Logged, since a bug looks the same.
        logger.warning("Foreign key violation answered 404 (concurrent delete?): %s", exc)
        exc = exceptions.NotFound("Not found: something this request refers to was deleted while it ran.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500

    if isinstance(exc, exceptions.ValidationError):
        data = exc.detail
        if isinstance(data, dict):
            body = {**data}
            body.setdefault("detail", "Invalid input.")
            body["code"] = "invalid"
        else:
            messages = data if isinstance(data, list) else [data]
            body = _body(" ".join(str(m) for m in messages), "invalid", errors=messages)
        response.data = body
        return response

    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = getattr(exc, "default_code", "error")
    extra = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        extra["retry_after"] = math.ceil(exc.wait)
    response.data = _body(detail, code, **extra)
    return response


# Plain Django handlers so unknown routes and crashes outside DRF still answer JSON.
# csrf_exempt: the catch-all route serves every method; a POST to an unknown API path must get the
# JSON 404, not Django's HTML CSRF page (there is no session to protect on a route that does nothing).
@csrf_exempt  # also the catch-all route: a POST to no route is a 404, not the CSRF failure page
def json_not_found(request, exception=None):
    return JsonResponse(_body("Not found.", "not_found"), status=404)


def database_unavailable(exc) -> JsonResponse:
    """The database could not be reached (or dropped the connection, or timed the query out): the
    request may succeed in a moment, so 503 with Retry-After, not 500. The driver's message (host,
    port, reason) goes to the log only."""
    logger.error("Database unavailable, answered 503: %s: %s", type(exc).__name__, exc)
    response = JsonResponse(
        _body("The service is briefly unavailable; try again shortly.", "service_unavailable"), status=503
    )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


def json_server_error(request):
    # Django calls handler500 inside its `except` block: a database that went away outside DRF's
    # views (middleware, the admin, plain views) is a 503 too.
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        return database_unavailable(exc)
    return JsonResponse(_body("Internal server error.", "server_error"), status=500)


def json_bad_request(request, exception=None):
    # Django answers a body over DATA_UPLOAD_MAX_MEMORY_SIZE read outside DRF with its 400 handler.
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(_body(_TOO_BIG, "request_too_large"), status=413)
    return JsonResponse(_body("Bad request.", "bad_request"), status=400)


def json_permission_denied(request, exception=None):
    return JsonResponse(_body("You do not have permission to perform this action.", "permission_denied"), status=403)
