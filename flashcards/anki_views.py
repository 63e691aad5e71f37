"""`/api/vocab/language-pairs/{id}/anki-import` (upload → 202 + job → report) and `anki-export`
(the pair's word bank as an .apkg with audio, scheduling and review history: POST → 202 + job →
`anki-export/{job}` → `anki-export/{job}/file`; GET streams it at once for a small word bank)."""

from __future__ import annotations

import json
import os
import tempfile
import uuid
import zipfile

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from langlearn import serializers, storage
from langlearn.errors import Conflict, InvalidInput
from langlearn.jobs.models import Job
from langlearn.jobs.serializers import JobSerializer
from langlearn.jobs.services import job_create
from vocab.models import UserLanguagePair
from vocab.selectors import pair_get_for_user

from .anki_pipeline import ANKI_IMPORT_JOB_KIND
from .services.anki_export import ANKI_CONTENT_TYPE, ExportTooLarge, anki_deck_export, export_filename
from .services.anki_export_jobs import (
    anki_export_check_small,
    anki_export_file,
    anki_export_get,
    anki_export_start,
    export_max_bytes,
    export_output,
)
from .services.anki_import import check_mapping
from .views import PayloadTooLarge

MIB = 1024 * 1024
COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")


def max_upload_bytes() -> int:
    return getattr(settings, "ANKI_IMPORT_MAX_BYTES", 200 * MIB)


class AnkiImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An Anki .apkg or .colpkg (either format); at most 200 MB.")
    mapping = serializers.JSONField(
        required=False,
        help_text='Which Anki field holds which of ours when names differ: {"text": "Vocab", "translation": '
        '"Meaning", "example_sentence": ..., "example_translation": ..., "part_of_speech": ..., "audio": ...}.',
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Only read the package: counts, mapping and sample notes."
    )


class AnkiImportResponseSerializer(serializers.Serializer):
    job = JobSerializer()


class AnkiImportStatusSerializer(serializers.Serializer):
    job = JobSerializer()
    package = serializers.DictField(allow_null=True, help_text="What the package holds (after `check`).")
    report = serializers.DictField(allow_null=True, help_text="The import report (after `import`).")


class AnkiImportListSerializer(serializers.Serializer):
    imports = AnkiImportStatusSerializer(many=True)


class AnkiImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]
    queryset = UserLanguagePair.objects.none()  # the route's id is the pair's

    @extend_schema(responses=AnkiImportListSerializer)
    def get(self, request, pk):
        """This pair's Anki imports, newest first (at most 20): each job's progress (steps `check`,
        `import`), what the package holds and, once done, the report — entries created or already
        there, audio stored, cards scheduled, reviews imported, suspended and mature cards, and the
        notes not imported with their note number (`problems`)."""
        pair = pair_get_for_user(user=request.user, pair_id=pk)
        jobs = Job.objects.filter(user=request.user, kind=ANKI_IMPORT_JOB_KIND, params__pair=str(pair.pk))
        imports = []
        for job in jobs.order_by("-created_at")[:20]:
            check, imported = (job.step(name) or {} for name in ("check", "import"))
            imports.append(
                {"job": JobSerializer(job).data, "package": check.get("output"), "report": imported.get("output")}
            )
        return Response({"imports": imports})

    @extend_schema(request=AnkiImportSerializer, responses={202: AnkiImportResponseSerializer})
    def post(self, request, pk):
        """Import the learner's own Anki deck into this pair. Answers 202 with the job; follow it with
        GET on this URL (steps `check`, `import`, then the report)."""
        pair = pair_get_for_user(user=request.user, pair_id=pk)
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput("Send the deck as the multipart field 'file'.", code="file_missing")
        if upload.size > max_upload_bytes():
            raise PayloadTooLarge(f"The deck must be at most {max_upload_bytes() // MIB} MB.")
        if os.path.splitext(upload.name or "")[1].lower() not in (".apkg", ".colpkg"):
            raise InvalidInput("Upload an Anki .apkg or .colpkg file.", code="invalid_file_type")
        raw_mapping = request.data.get("mapping")
        try:
            mapping = check_mapping(json.loads(raw_mapping) if isinstance(raw_mapping, str) and raw_mapping else None)
        except (ValueError, json.JSONDecodeError) as exc:
            raise InvalidInput(f"mapping: {exc}" if "mapping" not in str(exc) else str(exc), code="invalid_mapping")
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise InvalidInput("line 1: not an Anki package (not a zip file)", code="invalid_package") from None
        if not names & set(COLLECTIONS):
            raise InvalidInput("line 1: not an Anki package (no collection database)", code="invalid_package")
        upload.seek(0)
        key = default_storage.save(f"anki-imports/{pair.user_id}/{uuid.uuid4().hex}.apkg", upload)
        with transaction.atomic():
            job = job_create(
                user=request.user,
                kind=ANKI_IMPORT_JOB_KIND,
                params={
                    "pair": str(pair.pk),
                    "key": key,
                    "mapping": mapping,
                    "name": upload.name[:200],
                    "dry_run": str(request.data.get("dry_run", "")).lower() in ("1", "true", "on", "yes"),
                },
                count_quota=False,
            )
        return Response({"job": JobSerializer(job).data}, status=202)


class AnkiExportSerializer(serializers.Serializer):
    job = JobSerializer()
    download_url = serializers.CharField(
        allow_null=True, help_text="Short-lived link to the .apkg once the job succeeded (presigned on S3)."
    )
    file_url = serializers.CharField(
        allow_null=True, help_text="The .apkg streamed by this API (needs the Bearer token), once ready."
    )
    package = serializers.DictField(
        allow_null=True, help_text="Once ready: filename, bytes, and the notes, cards, reviews and audio it holds."
    )


def _export_body(request, pair, job: Job) -> dict:
    output = export_output(job)
    file_url = None
    if output:
        file_url = request.build_absolute_uri(f"/api/vocab/language-pairs/{pair.pk}/anki-export/{job.pk}/file")
    return {
        "job": JobSerializer(job).data,
        "download_url": storage.media_url(output["key"]) if output else None,
        "file_url": file_url,
        "package": {k: v for k, v in output.items() if k != "key"} if output else None,
    }


def _apkg_response(fh, filename: str) -> FileResponse:
    return FileResponse(fh, as_attachment=True, filename=filename, content_type=ANKI_CONTENT_TYPE)


class AnkiExportView(APIView):
    queryset = UserLanguagePair.objects.none()  # the route's id is the pair's

    @extend_schema(responses={(200, ANKI_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk):
        """A small word bank as an Anki package, at once: notes, audio, cards with their scheduling
        and every review (revlog). Only up to ANKI_EXPORT_SYNC_MAX_NOTES (1,000) words and
        ANKI_EXPORT_SYNC_MAX_REVIEWS (20,000) reviews, else 409 `export_needs_job`: POST instead."""
        pair = pair_get_for_user(user=request.user, pair_id=pk)
        anki_export_check_small(pair=pair)
        out = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
        try:
            anki_deck_export(pair=pair, out=out, max_bytes=export_max_bytes())
        except ExportTooLarge as exc:
            out.close()
            raise Conflict(str(exc), code="export_too_large") from None
        out.seek(0)
        return _apkg_response(out, export_filename(pair))

    @extend_schema(request=None, responses={202: AnkiExportSerializer})
    def post(self, request, pk):
        """Export the pair's word bank as an Anki package in a job (any size up to
        ANKI_EXPORT_MAX_BYTES, 200 MB): answers 202 with the job — the pair's export already
        running, if there is one. Follow it at `anki-export/{job id}`; once it succeeded, download
        the .apkg from `file_url` (or `download_url`)."""
        pair = pair_get_for_user(user=request.user, pair_id=pk)
        job, _created = anki_export_start(user=request.user, pair=pair)
        return Response(_export_body(request, pair, job), status=202)


class AnkiExportJobView(APIView):
    queryset = UserLanguagePair.objects.none()

    @extend_schema(operation_id="api_vocab_language_pairs_anki_export_job_retrieve", responses=AnkiExportSerializer)
    def get(self, request, pk, job_id):
        """One export: the job's progress and, once it succeeded, where to download the .apkg."""
        pair = pair_get_for_user(user=request.user, pair_id=pk)
        job = anki_export_get(user=request.user, pair=pair, job_id=job_id)
        return Response(_export_body(request, pair, job))


class AnkiExportFileView(APIView):
    queryset = UserLanguagePair.objects.none()

    @extend_schema(
        operation_id="api_vocab_language_pairs_anki_export_file_retrieve",
        responses={(200, ANKI_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, pk, job_id):
        """The finished export's .apkg, streamed (409 `export_not_ready` before; 404 `export_gone`
        once a newer export of the pair replaced it)."""
        pair = pair_get_for_user(user=request.user, pair_id=pk)
        job = anki_export_get(user=request.user, pair=pair, job_id=job_id)
        fh, output = anki_export_file(job=job)
        return _apkg_response(fh, output["filename"])
