"""`/api/jobs`: the learner's background jobs of every kind (articles, adventure scenes, ...)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from langlearn.idempotency import idempotent
from langlearn.pagination import CursorPagination

from .models import Job, JobStatus
from .quota import quota_status
from .selectors import jobs_for_user
from .serializers import JobSerializer, QuotaSerializer
from .services import job_retry
from .throttles import GenerationThrottle


class JobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    kind = django_filters.CharFilter()

    class Meta:
        model = Job
        fields = ["status", "kind"]


class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Job.objects.none()
    serializer_class = JobSerializer
    pagination_class = CursorPagination
    filterset_class = JobFilter

    def get_queryset(self):
        return jobs_for_user(user=self.request.user)

    def get_throttles(self):
        if self.action == "retry":
            self.throttle_scope = "generation"
            return [*super().get_throttles(), GenerationThrottle()]
        return super().get_throttles()

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    @idempotent
    def retry(self, request: Request, pk=None) -> Response:
        job = job_retry(job=self.get_object())
        return Response(JobSerializer(job).data, status=202)

    @extend_schema(responses=QuotaSerializer)
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def quota(self, request: Request) -> Response:
        q = quota_status(user=request.user)
        data = {"limit": q.limit, "used": q.used, "remaining": q.remaining, "resets_at": q.resets_at}
        return Response(QuotaSerializer(data).data)
