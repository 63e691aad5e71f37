"""Admin: a learner's statuses and their history, read-only (learners set them; staff look), and
placement results (with an undo action that calls the same service as the API)."""

from __future__ import annotations

from django.contrib import admin, messages

from .models import PlacementState, PlacementTest, WordStatusEvent, WordStatusMark
from .services import placement_undo


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WordStatusMark)
class WordStatusMarkAdmin(ReadOnlyAdmin):
    list_display = ["key", "status", "source", "user", "pair", "updated_at"]
    list_filter = ["status", "source", "pair__target_language"]
    search_fields = ["key", "user__email"]
    list_select_related = ["user", "pair"]
    show_full_result_count = False  # a learner after a placement has tens of thousands of rows


@admin.register(WordStatusEvent)
class WordStatusEventAdmin(ReadOnlyAdmin):
    list_display = ["key", "old_status", "new_status", "source", "user", "pair", "created_at"]
    list_filter = ["source", "new_status"]
    search_fields = ["key", "user__email", "batch"]
    list_select_related = ["user", "pair"]
    show_full_result_count = False


@admin.register(PlacementTest)
class PlacementTestAdmin(ReadOnlyAdmin):
    list_display = ["user", "pair", "language", "state", "estimate", "false_alarm_rate", "marked", "finished_at"]
    list_filter = ["state", "language"]
    search_fields = ["user__email"]
    list_select_related = ["user", "pair"]
    raw_id_fields = ["job"]
    actions = ["undo_marks"]

    @admin.action(description="Undo the words these placements marked known")
    def undo_marks(self, request, queryset):
        done = 0
        for test in queryset.filter(state__in=[PlacementState.APPLIED, PlacementState.MARKING]):
            placement_undo(test=test)
            done += 1
        self.message_user(request, f"{done} placement(s) undone.", messages.SUCCESS)
