"""The learner's data rights (issue 19): everything an account owns can be exported, and deleting
the account deletes its stored objects (audio, exports) too, not only its rows.

Ownership is found, not listed: a model is the learner's when it has a foreign key named `user` to
the account, or reaches one through one foreign key (a scene through its adventure). Its stored
objects are its `audio` storage keys and file fields. So an app that adds a model keyed on the
learner is exported and purged without registering anything.

- `owned_media_keys(user)`: every storage key the account owns (its exports included).
- `media_purge()`: delete the keys queued in `StorageDeletion` that are due (the `purge_media` actor
  runs it and is retried; the job sweep re-sends it while due rows remain).
- the `account_export` job kind: a ZIP with `account.json`, one JSON file per model, the review
  history as CSV and the audio files, stored under `exports/<user>/<job>.zip`, downloaded through a
  short-lived link (EXPORT_LINK_SECONDS). A whole account's data does not lie in storage for ever:
  each ZIP is queued for deletion EXPORT_RETENTION_HOURS after it is built, and a newer export
  deletes the older ones at once.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from . import storage
from .jobs.registry import JobSpec, Step, StepContext, StepOutcome, done, register
from .models import IdempotencyRecord, StorageDeletion

logger = logging.getLogger(__name__)

EXPORT_JOB_KIND = "account_export"
# Job kinds whose step outputs' `key` is a stored object the learner owns (deleted with the
# account); an app whose jobs store files adds its kind here (flashcards: "anki_export").
OWNED_OUTPUT_KINDS: set[str] = {EXPORT_JOB_KIND}
# Job kinds whose `params["key"]` is an upload waiting in storage for the job (flashcards:
# "anki_import"); deleted with the account when the job has not consumed it yet.
OWNED_UPLOAD_KINDS: set[str] = set()
# Bookkeeping rows that are not the learner's data.
_NOT_EXPORTED = {IdempotencyRecord}
_HISTORY_MODEL = "flashcards.FlashcardEvent"


def _account_model():
    return apps.get_model(settings.AUTH_USER_MODEL)


def _path_to_user(model) -> str | None:
    account = _account_model()

    def direct(m) -> str | None:
        for field in m._meta.fields:
            if field.name == "user" and field.is_relation and field.related_model is account:
                return "user"
        return None

    found = direct(model)
    if found:
        return found
    for field in model._meta.fields:
        if field.many_to_one and field.related_model not in (None, model, account) and direct(field.related_model):
            return f"{field.name}__user"
    return None


def owned_models() -> list[tuple[type[models.Model], str]]:
    """(model, lookup path to the account) for every concrete model the learner owns rows of."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or model in _NOT_EXPORTED:
            continue
        path = _path_to_user(model)
        if path:
            found.append((model, path))
    return found


def _media_fields(model) -> list[str]:
    return [
        f.name
        for f in model._meta.fields
        if isinstance(f, models.FileField) or (f.name == "audio" and isinstance(f, models.CharField))
    ]


def _rows(model, path: str, user) -> models.QuerySet:
    return model._default_manager.filter(**{path: user})


def owned_media_keys(user) -> list[str]:
    keys: list[str] = []
    for model, path in owned_models():
        for name in _media_fields(model):
            keys += [k for k in _rows(model, path, user).values_list(name, flat=True) if k]
    keys += [key for key in _export_keys(user)]
    return list(dict.fromkeys(keys))


def _export_keys(user) -> Iterator[str]:
    from .jobs.models import Job

    for steps in Job.objects.filter(user=user, kind__in=OWNED_OUTPUT_KINDS).values_list("steps", flat=True):
        for step in steps or []:
            key = (step.get("output") or {}).get("key")
            if key:
                yield key
    for params in Job.objects.filter(user=user, kind__in=OWNED_UPLOAD_KINDS).values_list("params", flat=True):
        if (params or {}).get("key"):
            yield params["key"]


def queue_media_deletion(keys: list[str], *, not_before: datetime | None = None) -> None:
    StorageDeletion.objects.bulk_create([StorageDeletion(key=k, not_before=not_before) for k in keys], batch_size=1000)


def due_deletions(*, now: datetime | None = None) -> models.QuerySet[StorageDeletion]:
    """Queued deletions whose time has come (no `not_before`, or past it)."""
    now = now or timezone.now()
    return StorageDeletion.objects.filter(models.Q(not_before__isnull=True) | models.Q(not_before__lte=now))


def media_purge(*, limit: int = 1000) -> int:
    """Delete the due queued stored objects; returns how many due remain (the actor raises while any
    do, so Dramatiq retries it). Deleting a key that is already gone succeeds (S3 and the file
    system)."""
    rows = list(due_deletions().order_by("id")[:limit])
    for row in rows:
        try:
            storage.delete(row.key)
        except Exception as exc:  # storage down: keep the row, count the attempt
            StorageDeletion.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=repr(exc)[:2000])
            logger.warning("purge: %s not deleted yet: %r", row.key, exc)
            continue
        StorageDeletion.objects.filter(pk=row.pk).delete()
    return due_deletions().count()


# --- export ------------------------------------------------------------------------------------


def _dump(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()


def _history_csv(user) -> bytes | None:
    try:
        model = apps.get_model(_HISTORY_MODEL)
    except LookupError:
        return None
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ("user_id",)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for row in model._default_manager.filter(user=user).order_by("reviewed_at").values_list(*fields):
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode()


def _csv_cell(value) -> str:
    text = "" if value is None else (json.dumps(value) if isinstance(value, dict | list) else str(value))
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text  # OWASP CSV injection


def build_export(user) -> bytes:
    buffer = io.BytesIO()
    missing: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        account = {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields if f.name != "password"}
        archive.writestr("account.json", _dump(account))
        media: list[str] = []
        for model, path in owned_models():
            rows = list(_rows(model, path, user).values())
            archive.writestr(f"data/{model._meta.label_lower}.json", _dump(rows))
            for name in _media_fields(model):
                media += [r[name] for r in rows if r.get(name)]
        history = _history_csv(user)
        if history is not None:
            archive.writestr("review_history.csv", history)
        for key in dict.fromkeys(media):
            try:
                archive.writestr(f"media/{key}", storage.read_bytes(key))
            except (OSError, ValueError) as exc:
                logger.info("export: %s unreadable: %r", key, exc)
                missing.append(key)
        archive.writestr("README.txt", _readme(missing))
    return buffer.getvalue()


def _readme(missing: list[str]) -> str:
    text = (
        "Your Langlearn data.\n\naccount.json: your account.\ndata/<app>.<model>.json: every row you own.\n"
        "review_history.csv: every flashcard review.\nmedia/: your audio files, under their storage keys.\n"
    )
    if missing:
        text += "\nThese files could not be read when the export was made:\n" + "\n".join(missing) + "\n"
    return text


def export_key(job) -> str:
    return f"exports/{job.user_id}/{job.pk}.zip"


def _build(ctx: StepContext) -> StepOutcome:
    user = _account_model()._default_manager.get(pk=ctx.job.user_id)
    data = build_export(user)
    key = export_key(ctx.job)
    older = [k for k in _export_keys(user) if k.startswith(f"exports/{user.pk}/") and k != key]
    expires_at = timezone.now() + export_retention()
    storage.save_bytes(key, data, content_type="application/zip")
    with transaction.atomic():  # a rerun of this step queues its expiry again: harmless, one key
        queue_media_deletion([key], not_before=expires_at)
        queue_media_deletion(older)  # superseded by this one: deleted by the next purge
    if older:
        from .jobs.services import media_purge_request

        media_purge_request()
    return done({"key": key, "size": len(data), "expires_at": expires_at.isoformat()}, ref=key)


def export_retention() -> timedelta:
    return timedelta(hours=getattr(settings, "EXPORT_RETENTION_HOURS", 7 * 24))


EXPORT_JOB = register(JobSpec(kind=EXPORT_JOB_KIND, result_type="export", steps=(Step("build", _build),)))


def export_expires_at(job) -> datetime | None:
    """When the export's ZIP is deleted (None for exports built before exports expired)."""
    expires_at = ((job.step("build") or {}).get("output") or {}).get("expires_at")
    return datetime.fromisoformat(expires_at) if expires_at else None


def export_download_url(job, *, now: datetime | None = None) -> str | None:
    """A short-lived link to the export's ZIP; None once it has expired."""
    key = ((job.step("build") or {}).get("output") or {}).get("key")
    expires_at = export_expires_at(job)
    if not key or (expires_at is not None and expires_at <= (now or timezone.now())):
        return None
    return storage.media_url(key, expire=getattr(settings, "EXPORT_LINK_SECONDS", 900))


@transaction.atomic
def account_purge_queue(user) -> list[str]:
    """Queue every stored object of the account for deletion (call before deleting its rows)."""
    keys = owned_media_keys(user)
    queue_media_deletion(keys)
    return keys
