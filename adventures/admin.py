"""Operators see adventures with their scene tree (read-only) and retry failed scene generations.

Retrying calls the same service as the learner's "try again" (`scene_retry`), which resumes the
scene's job at the step that failed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from langlearn.errors import DomainError

from .models import Adventure, AdventureScene, FailedSceneGeneration, SceneStatus
from .services import scene_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _scene_link(scene: AdventureScene) -> str:
    return reverse("admin:adventures_adventurescene_change", args=[scene.pk])


@admin.register(Adventure)
class AdventureAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "user", "pair", "level", "status", "target_length", "current_depth", "updated_at"]
    list_filter = ["status", "level", "genre"]
    search_fields = ["title", "premise", "user__email"]
    list_select_related = ["user", "pair", "current_scene"]
    readonly_fields = ["scene_tree"]
    exclude = ["current_scene"]

    @admin.display(description="depth")
    def current_depth(self, obj: Adventure) -> int | None:
        return obj.current_scene.depth if obj.current_scene else None

    @admin.display(description="scene tree")
    def scene_tree(self, obj: Adventure) -> SafeString:
        scenes = list(obj.scenes.order_by("depth", "created_at"))
        children: dict = {}
        for scene in scenes:
            children.setdefault(scene.parent_id, []).append(scene)

        def render(parent_id) -> SafeString:
            nodes = children.get(parent_id, [])
            if not nodes:
                return mark_safe("")
            items = format_html_join(
                "",
                '<li>{}<a href="{}">scene {}</a> [{}]{}{} {}</li>',
                (
                    (
                        format_html("<em>«{}»</em> → ", s.choice_text) if s.choice_text else "",
                        _scene_link(s),
                        s.depth,
                        s.status,
                        " ending" if s.is_ending else "",
                        " ← current" if s.pk == obj.current_scene_id else "",
                        render(s.pk),
                    )
                    for s in nodes
                ),
            )
            return format_html("<ul>{}</ul>", items)

        return render(None) if scenes else mark_safe("<p>No scenes.</p>")


@admin.register(AdventureScene)
class AdventureSceneAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "adventure", "depth", "status", "is_ending", "updated_at"]
    list_filter = ["status", "is_ending"]
    list_select_related = ["adventure"]
    search_fields = ["adventure__title", "adventure__user__email"]
    actions = ["retry_generation"]

    @admin.action(description="Retry the failed generation of the selected scenes")
    def retry_generation(self, request, queryset: QuerySet[AdventureScene]) -> None:
        retried = 0
        for scene in queryset.filter(status=SceneStatus.FAILED):
            try:
                scene_retry(scene=scene)
                retried += 1
            except DomainError as exc:
                self.message_user(request, f"{scene}: {exc.detail}", messages.WARNING)
        self.message_user(request, f"Retrying {retried} scene generation(s).", messages.SUCCESS)


@admin.register(FailedSceneGeneration)
class FailedSceneGenerationAdmin(AdventureSceneAdmin):
    list_display = ["__str__", "adventure", "depth", "error", "job", "updated_at"]
    list_filter: list = []

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=SceneStatus.FAILED).select_related("job")
