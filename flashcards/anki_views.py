"""`/api/vocab/language-pairs/{id}/anki-import` (upload → 202 + job → report) and `anki-export`
(the pair's word bank as an .apkg with audio, scheduling and review history)."""

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
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from langlearn import serializers
from langlearn.errors import InvalidInput
from langlearn.jobs.models import Job
from langlearn.jobs.serializers import JobSerializer
from langlearn.jobs.services import job_create
from vocab.models import UserLanguagePair
from vocab.selectors import pair_get_for_user

from .anki_pipeline import ANKI_IMPORT_JOB_KIND
from .services.anki_export import anki_deck_export
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


class AnkiExportView(APIView):
    queryset = UserLanguagePair.objects.none()  # the route's id is the pair's

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk):
        """The pair's word bank as an Anki package: notes, audio, cards with their scheduling and
        every review (revlog), so Anki shows the history."""
        pair = pair_get_for_user(user=request.user, pair_id=pk)
        out = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
        anki_deck_export(pair=pair, out=out)
        out.seek(0)
        name = slugify(f"langlearn-{pair.source_language}-{pair.target_language}") + ".apkg"
        return FileResponse(out, as_attachment=True, filename=name, content_type="application/octet-stream")
