"""A learner's Anki export as a background job (issue 17): `POST …/anki-export` queues it, the job
builds the .apkg into a temporary file, checks it against ANKI_EXPORT_MAX_BYTES and stores it under a
key derived from the job (a rerun overwrites its own object); the learner downloads it from
`…/anki-export/{job}/file` (or the short-lived `download_url`). Only the newest export of a pair is
kept in storage: a finished export deletes the files of the pair's older ones.

The synchronous download (`GET …/anki-export`) stays for small word banks only — at most
ANKI_EXPORT_SYNC_MAX_NOTES entries and ANKI_EXPORT_SYNC_MAX_REVIEWS reviews, under the same byte
limit — so a request never builds a large package."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction

from langlearn import storage
from langlearn.errors import Conflict, NotFound
from langlearn.jobs.models import Job, JobStatus
from langlearn.jobs.services import job_create
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from ..models import FlashcardEvent

ANKI_EXPORT_JOB_KIND = "anki_export"
MIB = 1024 * 1024


def export_max_bytes() -> int:
    return getattr(settings, "ANKI_EXPORT_MAX_BYTES", 200 * MIB)


def sync_limits() -> tuple[int, int]:
    return (
        getattr(settings, "ANKI_EXPORT_SYNC_MAX_NOTES", 1000),
        getattr(settings, "ANKI_EXPORT_SYNC_MAX_REVIEWS", 20_000),
    )


def anki_export_check_small(*, pair: UserLanguagePair) -> None:
    """Raise `Conflict` unless the pair's word bank is small enough to export inside a request
    (two counts, each stopping at its limit + 1)."""
    max_notes, max_reviews = sync_limits()
    notes = LearnableWordBankEntry.objects.filter(pair=pair).values("pk")[: max_notes + 1].count()
    reviews = FlashcardEvent.objects.filter(card__pair=pair).values("pk")[: max_reviews + 1].count()
    if notes > max_notes or reviews > max_reviews:
        raise Conflict(
            f"This word bank is too large to export in one request (more than {max_notes} words or "
            f"{max_reviews} reviews): POST to this URL to export it as a job.",
            code="export_needs_job",
        )


def anki_export_start(*, user, pair: UserLanguagePair) -> tuple[Job, bool]:
    """Queue an export of `pair`, or hand back the pair's export already queued or running (a
    double tap must not build two). Returns (job, created). No generation quota is spent."""
    with transaction.atomic():
        # The pair's row lock serialises two requests racing to start an export of it.
        UserLanguagePair.objects.select_for_update().filter(pk=pair.pk).first()
        running = (
            Job.objects.filter(
                user=user,
                kind=ANKI_EXPORT_JOB_KIND,
                params__pair=str(pair.pk),
                status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
            )
            .order_by("-created_at")
            .first()
        )
        if running is not None:
            return running, False
        job = job_create(user=user, kind=ANKI_EXPORT_JOB_KIND, params={"pair": str(pair.pk)}, count_quota=False)
    return job, True


def anki_export_get(*, user, pair: UserLanguagePair, job_id: uuid.UUID) -> Job:
    """The learner's export job of this pair (another learner's, or another pair's: 404)."""
    job = Job.objects.filter(user=user, kind=ANKI_EXPORT_JOB_KIND, params__pair=str(pair.pk), pk=job_id).first()
    if job is None:
        raise NotFound("No such export.", code="not_found")
    return job


def export_output(job: Job) -> dict | None:
    """The finished export's stored file {key, bytes, filename, notes, cards, reviews, audio}."""
    if job.status != JobStatus.SUCCEEDED:
        return None
    return (job.step("build") or {}).get("output") or None


def anki_export_file(*, job: Job):
    """(open binary file, its output) of a finished export. 409 while it is not ready; 404 once a
    newer export replaced it."""
    output = export_output(job)
    if output is None:
        raise Conflict(f"The export is not ready (it is {job.status}).", code="export_not_ready")
    if not storage.exists(output["key"]):
        raise NotFound("This export was replaced by a newer one: download that one.", code="export_gone")
    from django.core.files.storage import default_storage

    return default_storage.open(output["key"], "rb"), output


def exports_prune(*, job: Job) -> int:
    """Delete the stored files of the pair's older exports (keep the newest). Returns how many."""
    older = (
        Job.objects.filter(
            user_id=job.user_id,
            kind=ANKI_EXPORT_JOB_KIND,
            params__pair=job.params.get("pair"),
            status=JobStatus.SUCCEEDED,
            created_at__lt=job.created_at,
        )
        .order_by("-created_at")
        .values_list("steps", flat=True)[:20]
    )  # each export prunes: older ones are gone
    deleted = 0
    for steps in older:
        key = next(((s.get("output") or {}).get("key") for s in steps if s.get("name") == "build"), None)
        if key and storage.exists(key):
            storage.delete(key)
            deleted += 1
    return deleted
