"""Word bank API: parse, call a service or selector, serialize."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from langlearn import clients
from langlearn.idempotency import idempotent

from . import selectors, services
from .models import LearnableWordBankEntry, UserLanguagePair
from .serializers import (
    EntryAddedSerializer,
    EntryBulkResultSerializer,
    EntryBulkSerializer,
    EntryCreateSerializer,
    EntryFilterSerializer,
    EntrySerializer,
    EntryUpdateSerializer,
    LanguagePairSerializer,
    LanguagePairUpdateSerializer,
    LookupResultSerializer,
    LookupSerializer,
)


def _added(result: services.EntryAddResult) -> dict:
    data = EntrySerializer(result.entry).data
    data["created"] = result.created
    return data


class LanguagePairViewSet(viewsets.ModelViewSet):
    """The learner's language pairs and their scheduling settings."""

    serializer_class = LanguagePairSerializer
    queryset = UserLanguagePair.objects.none()
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.pairs_for_user(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "partial_update":
            return LanguagePairUpdateSerializer
        return LanguagePairSerializer

    def perform_create(self, serializer):
        serializer.instance = services.pair_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.pair_update(pair=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        services.pair_delete(pair=instance)


@extend_schema_view(list=extend_schema(parameters=[EntryFilterSerializer]))
class EntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Word bank entries. Filters: `language_pair`, `source`, `search` (prefix of text, lemma or
    translation), `has_audio`."""

    serializer_class = EntrySerializer
    queryset = LearnableWordBankEntry.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        if self.action != "list":
            return LearnableWordBankEntry.objects.filter(user=self.request.user)
        data = EntryFilterSerializer.parse(self.request)
        return selectors.entries_for_user(
            user=self.request.user,
            pair_id=data.get("language_pair") or data.get("pair"),
            source=data.get("source"),
            search=data.get("search"),
            has_audio=data.get("has_audio"),
        )

    @extend_schema(
        request=EntryCreateSerializer,
        responses={201: EntryAddedSerializer, 200: EntryAddedSerializer},
        description="Add a word. Only `text` is needed: lemma, part of speech and translation are filled "
        "in, audio follows as a job. A word already in the word bank answers 200 with `created: false`.",
    )
    @idempotent
    def create(self, request):
        serializer = EntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        pair = selectors.pair_get_for_user(user=request.user, pair_id=data.pop("language_pair"))
        (result,) = services.entries_add(
            pair=pair, items=[services.EntryInput(**data)], nlp=clients.get_nlp(), translator=clients.get_translator()
        )
        return Response(_added(result), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    @extend_schema(request=EntryUpdateSerializer, responses=EntrySerializer)
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        serializer = EntryUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.entry_update(entry=entry, **serializer.validated_data)
        return Response(EntrySerializer(entry).data)

    def perform_destroy(self, instance):
        services.entry_delete(entry=instance)

    @extend_schema(request=EntryBulkSerializer, responses=EntryBulkResultSerializer)
    @action(detail=False, methods=["post"])
    @idempotent
    def bulk(self, request):
        """Add up to 500 words in one request, with the same rules as adding one."""
        serializer = EntryBulkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = selectors.pair_get_for_user(user=request.user, pair_id=serializer.validated_data["language_pair"])
        items = [services.EntryInput(**item) for item in serializer.validated_data["entries"]]
        results = services.entries_add(
            pair=pair, items=items, nlp=clients.get_nlp(), translator=clients.get_translator()
        )
        created = sum(r.created for r in results)
        return Response(
            {"created": created, "existing": len(results) - created, "results": [_added(r) for r in results]}
        )


class LookupView(APIView):
    @extend_schema(
        request=LookupSerializer,
        responses=LookupResultSerializer,
    )
    def post(self, request):
        """Lemma, part of speech and translation of a tapped word, and whether it is in the word bank."""
        serializer = LookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pair = selectors.pair_get_for_user(user=request.user, pair_id=serializer.validated_data["language_pair"])
        result = services.word_lookup(
            pair=pair,
            text=serializer.validated_data["text"],
            sentence=serializer.validated_data["sentence"],
            nlp=clients.get_nlp(),
            translator=clients.get_translator(),
        )
        return Response(asdict(result))
