"""Learner API: the published catalogue and adding a pack to a word bank."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from langlearn.idempotency import idempotent
from langlearn.pagination import PageNumberPagination

from . import selectors, services
from .models import WordBankPack
from .serializers import (
    AddToWordBankResultSerializer,
    AddToWordBankSerializer,
    PackDetailSerializer,
    PackFilterSerializer,
    PackSerializer,
)


class PackListView(generics.ListAPIView):
    """Published packs, with entry count and whether the caller already added each one."""

    serializer_class = PackSerializer
    queryset = WordBankPack.objects.none()
    filter_backends: list = []

    def get_queryset(self):
        params = PackFilterSerializer.parse(self.request)
        return selectors.packs_filter(selectors.packs_for_learner(user=self.request.user), **params)

    @extend_schema(parameters=[PackFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PackDetailView(APIView):
    @extend_schema(
        responses=PackDetailSerializer,
        parameters=[OpenApiParameter("page", int), OpenApiParameter("page_size", int)],
    )
    def get(self, request, pk):
        pack = get_object_or_404(selectors.packs_for_learner(user=request.user), pk=pk)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(selectors.pack_entries(pack=pack), request, view=self)
        pack.entries_page = {
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": page,
        }
        return Response(PackDetailSerializer(pack).data)


class PackAddToWordBankView(APIView):
    @extend_schema(request=AddToWordBankSerializer, responses=AddToWordBankResultSerializer)
    @idempotent
    def post(self, request, pk):
        body = AddToWordBankSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = services.pack_add_to_word_bank(
            user=request.user, pack_id=pk, pair_id=body.validated_data["language_pair"]
        )
        return Response({"added": result.added, "already_present": result.already_present})
