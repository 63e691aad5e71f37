"""Staff API under /api/admin/packs: CRUD of packs and entries, publish/unpublish, import, export.
Staff with the `packs` model permissions only: anonymous 401, learners 403."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from langlearn.errors import Conflict, InvalidInput
from langlearn.schema import ErrorSerializer

from . import selectors, services
from .models import WordBankPack, WordBankPackEntry
from .serializers import (
    AdminPackEntrySerializer,
    AdminPackSerializer,
    ImportRejectedSerializer,
    ImportReportSerializer,
    ImportRequestSerializer,
)

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class IsPackEditor(permissions.DjangoModelPermissions):
    """is_staff plus the model permission for the method (view for reads)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False  # -> 401 with the Bearer challenge
        return bool(user.is_staff) and super().has_permission(request, view)


class EditorView:
    permission_classes = [IsPackEditor]


class AdminPackListView(EditorView, generics.ListCreateAPIView):
    serializer_class = AdminPackSerializer
    queryset = WordBankPack.objects.none()

    def get_queryset(self):
        return selectors.packs_with_counts().order_by("title", "id")

    def perform_create(self, serializer):
        pack = serializer.save(created_by=self.request.user)
        # Answer with the counts the list and detail show (0 for a new pack), as the schema says.
        serializer.instance = selectors.packs_with_counts().get(pk=pack.pk)


class AdminPackDetailView(EditorView, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = AdminPackSerializer
    queryset = WordBankPack.objects.none()

    def get_queryset(self):
        return selectors.packs_with_counts()

    def perform_destroy(self, instance: WordBankPack) -> None:
        if instance.published:
            raise Conflict("Unpublish the pack before deleting it: learners can see it.", code="pack_published")
        instance.delete()


class _PackAction(EditorView, APIView):
    queryset = WordBankPack.objects.none()  # for DjangoModelPermissions: change permission
    pack_action = staticmethod(services.packs_publish)

    @extend_schema(request=None, responses=AdminPackSerializer)
    def post(self, request, pk):
        get_object_or_404(WordBankPack, pk=pk)
        self.pack_action(packs=WordBankPack.objects.filter(pk=pk))
        return Response(AdminPackSerializer(selectors.packs_with_counts().get(pk=pk)).data)

    def get_queryset(self):
        return WordBankPack.objects.all()


class AdminPackPublishView(_PackAction):
    pack_action = staticmethod(services.packs_publish)


class AdminPackUnpublishView(_PackAction):
    pack_action = staticmethod(services.packs_unpublish)


class _EntryMixin(EditorView):
    serializer_class = AdminPackEntrySerializer
    queryset = WordBankPackEntry.objects.none()

    def pack(self) -> WordBankPack:
        if not hasattr(self, "_pack"):
            self._pack = get_object_or_404(WordBankPack, pk=self.kwargs["pk"])
        return self._pack

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WordBankPackEntry.objects.none()
        return selectors.pack_entries(pack=self.pack())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["pack"] = self.pack()
        return context


class AdminPackEntryListView(_EntryMixin, generics.ListCreateAPIView):
    def perform_create(self, serializer):
        pack = self.pack()
        position = serializer.validated_data.get("position")
        if position is None:  # appended, not every new entry at position 0
            position = services.pack_entry_next_position(pack=pack)
        serializer.save(pack=pack, position=position)


class AdminPackEntryDetailView(_EntryMixin, generics.RetrieveUpdateDestroyAPIView):
    lookup_url_kwarg = "entry_pk"

    def perform_update(self, serializer):
        old = {"translation": serializer.instance.translation, "audio": serializer.instance.audio}
        entry = serializer.save()
        services.pack_entry_changes_reach_learners(entry=entry, old=old)


class AdminPackImportView(EditorView, APIView):
    """Upload a CSV, JSON or .apkg file; answers the import report (same as `import_packs`).
    400 with the report when any pack was rejected (the others were written unless dry_run)."""

    parser_classes = [MultiPartParser, FormParser]
    queryset = WordBankPack.objects.none()

    def get_queryset(self):
        return WordBankPack.objects.all()

    @extend_schema(
        request=ImportRequestSerializer,
        responses={
            200: ImportReportSerializer,
            # The report when rows were rejected; a request that is itself invalid (no file, too
            # large) answers the usual error body.
            400: OpenApiResponse(
                response=PolymorphicProxySerializer(
                    component_name="ImportFailure",
                    serializers=[ImportRejectedSerializer, ErrorSerializer],
                    resource_type_field_name=None,
                ),
                description="Rows were rejected (the report, `code: import_rejected`), or the request is invalid.",
            ),
        },
    )
    def post(self, request):
        body = ImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upload = data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise InvalidInput(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.", code="too_large")
        into = get_object_or_404(WordBankPack, pk=data["pack"]) if data.get("pack") else None
        report = services.packs_import(
            sources=[services.ImportSource(name=upload.name, data=upload.read())],
            dry_run=data["dry_run"],
            update=data["update"],
            publish=data["publish"],
            into_pack=into,
            defaults={k: data.get(k) for k in ("source_language", "target_language")},
            user=request.user,
            keep_rows=data["dry_run"],
        )
        body = report.to_dict(with_rows=data["dry_run"])
        if not report.ok:
            body["detail"] = f"{len(report.errors)} error(s); packs with errors were not written."
            body["code"] = "import_rejected"
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(body)


class AdminPackExportView(EditorView, APIView):
    queryset = WordBankPack.objects.none()

    def get_queryset(self):
        return WordBankPack.objects.all()

    @extend_schema(
        parameters=[
            OpenApiParameter("file_format", str, enum=list(services.FORMATS), description="csv (default), json or apkg")
        ],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request, pk):
        pack = get_object_or_404(WordBankPack, pk=pk)
        fmt = request.query_params.get("file_format", "csv")  # `format` is DRF's renderer switch
        if fmt not in services.FORMATS:
            raise InvalidInput(f"file_format must be one of {', '.join(services.FORMATS)}", code="invalid_format")
        exported = services.packs_export(packs=[pack], fmt=fmt)
        response = HttpResponse(exported.data, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response
