"""The learner's Anki import as a job (`/api/jobs/{id}` shows its progress): `check` opens the
package and counts what it holds, `import` writes entries, audio, cards and review history and
leaves the import report as its output. The import step writes the deck in batches and records
`progress` {done, total} notes on the job after each one, in the batch's own transaction, with a
checkpoint a retry resumes from (a crashed worker's import carries on after its last batch).
The uploaded package waits in storage and is deleted once imported, when the job fails on a package
that cannot be imported, ANKI_UPLOAD_RETENTION_HOURS after any other failure (a retry resumes from
it until then), or with the account. A package that cannot be read fails the job at once
with the reader's line-numbered message.

The learner's Anki export is a job too (`anki_export`, one step `build`): see
`services.anki_export_jobs`."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from langlearn import storage
from langlearn.anki.fields import field_map
from langlearn.anki.reader import AnkiFormatError, Limits, open_package
from langlearn.anki.text import field_to_text
from langlearn.data_rights import OWNED_OUTPUT_KINDS, OWNED_UPLOAD_KINDS, queue_media_deletion
from langlearn.jobs.registry import JobSpec, PermanentJobError, Step, StepContext, done, register, skipped
from langlearn.jobs.services import job_storage_key, media_purge_request
from vocab.models import UserLanguagePair

from .services.anki_export import ANKI_CONTENT_TYPE, ExportTooLarge, anki_deck_export, export_filename
from .services.anki_export_jobs import ANKI_EXPORT_JOB_KIND, export_max_bytes, exports_prune
from .services.anki_import import TARGETS, AnkiImportReport, anki_deck_import

ANKI_IMPORT_JOB_KIND = "anki_import"


def limits() -> Limits:
    return Limits(
        collection_bytes=getattr(settings, "ANKI_MAX_COLLECTION_BYTES", Limits.collection_bytes),
        media_file_bytes=getattr(settings, "ANKI_MAX_MEDIA_FILE_BYTES", Limits.media_file_bytes),
    )


def _local_copy(key: str):
    """A seekable local copy of the upload (zipfile needs seeking; S3 objects stream)."""
    if not storage.exists(key):
        raise PermanentJobError("The uploaded package is gone; upload it again.")
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 — closed by the caller
    with default_storage.open(key, "rb") as src:
        shutil.copyfileobj(src, tmp, 1 << 20)
    tmp.seek(0)
    return tmp


def _failed(exc: AnkiFormatError) -> PermanentJobError:
    where = f"line {exc.line}: " if exc.line else ""
    return PermanentJobError(f"{where}{exc.message}")


def _note_types(package, mapping: dict) -> list[dict]:
    """Each note type used: its fields, which of them feeds which of ours (so a learner can check
    the mapping before importing, with `dry_run`), and the first notes as they would be read."""
    used: dict[int, list] = {}
    for note in package.notes():
        samples = used.setdefault(note.model_id, [])
        if len(samples) < 3:
            samples.append(note)
    out = []
    for model_id, samples in used.items():
        model = package.models.get(model_id)
        if model is None:
            continue
        fmap = field_map(model.fields, mapping)
        out.append(
            {
                "name": model.name,
                "fields": model.fields,
                "mapping": {ours: model.fields[i] for ours, i in fmap.items() if ours in TARGETS},
                "samples": [
                    {
                        ours: field_to_text(n.fields[i])
                        for ours, i in fmap.items()
                        if ours in TARGETS and i < len(n.fields)
                    }
                    for n in samples
                ],
            }
        )
    return out


def check(ctx: StepContext) -> object:
    with _local_copy(ctx.params["key"]) as fh:
        try:
            with open_package(fh, limits=limits()) as package:
                counts = {
                    "format": package.format,
                    "notes": package.count_notes(),
                    "cards": package.conn.execute("SELECT count(*) FROM cards").fetchone()[0],
                    "reviews": package.conn.execute("SELECT count(*) FROM revlog").fetchone()[0],
                    "media": len(package.media),
                    "note_types": _note_types(package, ctx.params.get("mapping") or {}),
                }
        except AnkiFormatError as exc:
            raise _failed(exc) from None
    return done(counts)


def run_import(ctx: StepContext) -> object:
    if ctx.params.get("dry_run"):
        storage.delete(ctx.params["key"])
        return skipped("dry run: nothing was written")
    pair = UserLanguagePair.objects.select_related("user").filter(pk=ctx.params["pair"]).first()
    if pair is None:
        raise PermanentJobError("The language pair was deleted.")
    checkpoint = ctx.checkpoint
    if checkpoint is None:
        ctx.progress(0, ctx.outputs.get("check", {}).get("notes") or 0)

    def record(done: int, total: int, report: AnkiImportReport) -> None:
        # Inside the batch's transaction: the batch and "done up to here" commit together, and a
        # run that lost its claim (LeaseLost) rolls its batch back.
        ctx.progress(done, total, checkpoint={"done": done, "report": report.to_dict()})

    with _local_copy(ctx.params["key"]) as fh:
        try:
            report = anki_deck_import(
                pair=pair,
                source=fh,
                mapping=ctx.params.get("mapping") or {},
                limits=limits(),
                resume_from=checkpoint,
                on_batch=record,
            )
        except AnkiFormatError as exc:
            raise _failed(exc) from None
    storage.delete(ctx.params["key"])
    return done(report.to_dict(), ref=f"language_pair:{pair.pk}")


def _upload_delete(job) -> None:
    """A failed import's upload: deleted now when the package cannot be imported (unreadable, pair
    deleted: a retry is a new upload); kept ANKI_UPLOAD_RETENTION_HOURS otherwise, so
    `POST /api/jobs/{id}/retry` resumes after the last committed batch, then deleted — queued in
    `StorageDeletion`, so storage being down delays the deletion instead of forgetting it."""
    key = job.params.get("key")
    if not key:
        return
    if job.error_code == "permanent":
        queue_media_deletion([key])
        media_purge_request()
    else:
        hours = getattr(settings, "ANKI_UPLOAD_RETENTION_HOURS", 7 * 24)
        queue_media_deletion([key], not_before=timezone.now() + timedelta(hours=hours))


OWNED_UPLOAD_KINDS.add(ANKI_IMPORT_JOB_KIND)  # an upload not imported yet goes with the account
ANKI_IMPORT_JOB = register(
    JobSpec(
        kind=ANKI_IMPORT_JOB_KIND,
        steps=(Step("check", check), Step("import", run_import)),
        max_attempts=3,
        on_failure=_upload_delete,
    )
)


def build_export(ctx: StepContext) -> object:
    """The pair's word bank as an .apkg, into a temporary file, then to storage under a key derived
    from the job (a rerun overwrites its own object); older exports of the pair are deleted."""
    pair = UserLanguagePair.objects.select_related("user").filter(pk=ctx.params["pair"], user=ctx.job.user_id).first()
    if pair is None:
        raise PermanentJobError("The language pair was deleted.")
    key = job_storage_key(ctx.job, "deck.apkg", prefix=f"anki-exports/{ctx.job.user_id}")
    with tempfile.TemporaryFile() as out:
        try:
            counts = anki_deck_export(pair=pair, out=out, max_bytes=export_max_bytes())
        except ExportTooLarge as exc:
            raise PermanentJobError(str(exc)) from None
        out.seek(0)
        storage.save_file(key, out, size=counts["bytes"], content_type=ANKI_CONTENT_TYPE)
    exports_prune(job=ctx.job)
    return done({"key": key, "filename": export_filename(pair), **counts}, ref=key)


OWNED_OUTPUT_KINDS.add(ANKI_EXPORT_JOB_KIND)  # the stored .apkg goes with the account
ANKI_EXPORT_JOB = register(JobSpec(kind=ANKI_EXPORT_JOB_KIND, steps=(Step("build", build_export),), max_attempts=3))
