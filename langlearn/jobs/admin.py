from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from langlearn.errors import Conflict

from .models import GenerationUsage, Job, JobStatus
from .services import job_retry


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "user", "status", "current_step", "attempts", "short_error", "created_at"]
    list_filter = ["status", "kind", "error_code", "created_at"]
    search_fields = ["=id", "user__email", "error"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    actions = ["retry_jobs"]
    readonly_fields = [f.name for f in Job._meta.fields]
    ordering = ["-created_at"]

    @admin.display(description="step")
    def current_step(self, job: Job) -> str:
        return job.current_step or "—"

    @admin.display(description="error")
    def short_error(self, job: Job) -> str:
        return (job.error[:80] + "…") if len(job.error) > 80 else job.error

    @admin.action(description="Retry the selected failed jobs (resume at the failed step)")
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        retried = 0
        skipped = queryset.exclude(status=JobStatus.FAILED).count()
        for job in list(queryset.filter(status=JobStatus.FAILED)):
            try:
                job_retry(job=job)
                retried += 1
            except Conflict:  # retried meanwhile by the learner or another admin
                skipped += 1
        self.message_user(request, f"{retried} job(s) re-queued; {skipped} not failed, left alone.", messages.INFO)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # jobs come from learners' requests, never typed in


@admin.register(GenerationUsage)
class GenerationUsageAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "count"]
    list_filter = ["day"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
