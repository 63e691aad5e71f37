"""`/api/generation/articles`: request a learner article (202 + job), list, read, delete."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from langlearn.idempotency import idempotent
from langlearn.jobs.serializers import JobSerializer
from langlearn.jobs.throttles import GenerationThrottle

from .models import TranslatedArticle
from .selectors import articles_for_user
from .serializers import (
    ArticleCreateSerializer,
    ArticleDetailSerializer,
    ArticleJobResponseSerializer,
    ArticleListSerializer,
)
from .services import ArticleRequest, article_delete, article_request_create


class ArticleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    queryset = TranslatedArticle.objects.none()
    serializer_class = ArticleDetailSerializer
    throttle_scope = "generation"

    def get_queryset(self):
        return articles_for_user(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return ArticleListSerializer
        if self.action == "create":
            return ArticleCreateSerializer
        return ArticleDetailSerializer

    def get_throttles(self):
        if self.action == "create":
            return [*super().get_throttles(), GenerationThrottle()]
        return super().get_throttles()

    @extend_schema(request=ArticleCreateSerializer, responses={202: ArticleJobResponseSerializer})
    @idempotent
    def create(self, request: Request) -> Response:
        serializer = ArticleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = article_request_create(
            user=request.user,
            request=ArticleRequest(
                language_pair=str(data["language_pair"]),
                text=data.get("text", ""),
                url=data.get("url", ""),
                title=data.get("title", ""),
                level=data.get("level", ""),
                length=data.get("length", ""),
                pack=str(data["pack"]) if data.get("pack") else "",
                theme=data.get("theme", ""),
            ),
        )
        return Response({"job": JobSerializer(job).data}, status=202)

    def perform_destroy(self, instance: TranslatedArticle) -> None:
        article_delete(article=instance)
