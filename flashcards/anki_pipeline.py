"""The learner's Anki import as a job (`/api/jobs/{id}` shows its progress): `check` opens the
package and counts what it holds, `import` writes entries, audio, cards and review history and
leaves the import report as its output. The uploaded package waits in storage under a key derived
from the job and is deleted once imported. A package that cannot be read fails the job at once
with the reader's line-numbered message."""

from __future__ import annotations

import shutil
import tempfile

from django.conf import settings
from django.core.files.storage import default_storage

from langlearn import storage
from langlearn.anki.reader import AnkiFormatError, Limits, open_package
from langlearn.jobs.registry import JobSpec, PermanentJobError, Step, StepContext, done, register
from vocab.models import UserLanguagePair

from .services.anki_import import anki_deck_import

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
                    "note_types": {str(m.id): {"name": m.name, "fields": m.fields} for m in package.models.values()},
                }
        except AnkiFormatError as exc:
            raise _failed(exc) from None
    return done(counts)


def run_import(ctx: StepContext) -> object:
    pair = UserLanguagePair.objects.select_related("user").filter(pk=ctx.params["pair"]).first()
    if pair is None:
        raise PermanentJobError("The language pair was deleted.")
    with _local_copy(ctx.params["key"]) as fh:
        try:
            report = anki_deck_import(pair=pair, source=fh, mapping=ctx.params.get("mapping") or {}, limits=limits())
        except AnkiFormatError as exc:
            raise _failed(exc) from None
    storage.delete(ctx.params["key"])
    return done(report.to_dict(), ref=f"language_pair:{pair.pk}")


ANKI_IMPORT_JOB = register(
    JobSpec(kind=ANKI_IMPORT_JOB_KIND, steps=(Step("check", check), Step("import", run_import)), max_attempts=3)
)
