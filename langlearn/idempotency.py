"""`Idempotency-Key` for every POST that creates work: the same key replays the first answer.

A client that lost the answer to a POST (a timeout, a dropped connection, a 503) cannot know whether
the work was done; retrying blindly duplicated articles, word entries and paid provider calls
(issue 19). With `Idempotency-Key: <any string up to 255 printable ASCII characters>`:

- the first request runs and its answer (status and body) is stored in the same transaction as the
  work, so either both are committed or neither is;
- a retry with the same key and the same request replays the stored answer (header
  `Idempotent-Replayed: true`) without running anything;
- the same key with a different request (method, path or body) is a 422 `idempotency_key_reused`;
- two requests with the same key at the same moment: the second waits on the key's unique index
  until the first commits, then replays its answer (or runs, if the first failed and rolled back);
- only successful answers (2xx) are stored: an error changed nothing, so a retry runs again.
Keys are per learner and kept IDEMPOTENCY_KEY_HOURS (24) hours (the job sweep deletes older ones).
Without the header nothing changes.
"""

from __future__ import annotations

import functools
import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from .errors import DomainError, InvalidInput
from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotencyKeyReused(DomainError):
    status_code = 422
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for a different request."


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not 0 < len(key) <= 255 or not key.isascii() or not key.isprintable():
        raise InvalidInput(f"{HEADER} must be 1 to 255 printable ASCII characters.", code="invalid_idempotency_key")
    return key


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\0")
    digest.update(request.get_full_path().encode())
    digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return Response(record.body, status=record.status_code, headers={REPLAYED_HEADER: "true"})


def _live(user):
    since = timezone.now() - timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24))
    return IdempotencyRecord.objects.filter(user=user, created_at__gte=since)


def idempotent(view_method):
    """Decorate a DRF view method (`create`, `post`, an `@action`) that creates work."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = _key(request)
        if key is None or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        fingerprint = _fingerprint(request)  # reads the body before DRF's parser consumes it
        found = _live(request.user).filter(key=key).first()
        if found is not None:
            return _replay(found, fingerprint)
        # An expired record with this key frees it for new work.
        IdempotencyRecord.objects.filter(user=request.user, key=key).exclude(pk__in=_live(request.user)).delete()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    # Blocks while a concurrent request holds the same key, until it commits or rolls back.
                    record = IdempotencyRecord.objects.create(
                        user=request.user, key=key, fingerprint=fingerprint, status_code=0, body=None
                    )
            except IntegrityError:
                record = None
            if record is not None:
                response = view_method(self, request, *args, **kwargs)
                if not 200 <= response.status_code < 300:
                    transaction.set_rollback(True)
                    return response
                record.status_code, record.body = response.status_code, response.data
                record.save(update_fields=["status_code", "body"])
                return response
        # The concurrent request with this key committed first: answer what it answered.
        return _replay(IdempotencyRecord.objects.get(user=request.user, key=key), fingerprint)

    wrapper.idempotent = True  # the OpenAPI schema documents the header on it (langlearn.openapi)
    return wrapper


def purge_expired(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(hours=getattr(settings, "IDEMPOTENCY_KEY_HOURS", 24))
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
