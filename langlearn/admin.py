from django.contrib import admin

from .models import TranslationCacheEntry


@admin.register(TranslationCacheEntry)
class TranslationCacheEntryAdmin(admin.ModelAdmin):
    """Read-only view of paid-for translations; deleting a row makes the next request re-translate it."""

    list_display = ("source_language", "target_language", "text", "translation", "billed_characters", "created_at")
    list_filter = ("source_language", "target_language", "provider")
    search_fields = ("text", "translation")
    readonly_fields = [f.name for f in TranslationCacheEntry._meta.fields]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
