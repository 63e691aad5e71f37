"""The editors' admin for packs: list with counts and job progress, search, filters, the sortable
entries inline, bulk actions and the import page. Every action calls a packs service."""

from __future__ import annotations

from adminsortable2.admin import SortableAdminBase
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db.models import Count, Q
from django.forms import Media
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from .. import selectors, services
from ..models import JobStatus, WordBankPack
from ..services.enrich import packs_request_audio, packs_request_translations
from .entries import WordBankPackEntryAdmin  # noqa: F401  (registers the entries list)
from .forms import PackForm
from .imports import ImportViews
from .inlines import EntryInline

INLINE_LIMIT = 150  # entries x 11 fields must stay under DATA_UPLOAD_MAX_NUMBER_FIELDS (2,000)


class LanguagesFilter(admin.SimpleListFilter):
    """One filter for both languages, listing only the pairs that packs use ("en → es"), instead of
    two lists of every language Django knows (which made the page 2,000 px tall)."""

    title = "languages"
    parameter_name = "languages"

    def lookups(self, request, model_admin):
        pairs = (
            model_admin.get_queryset(request).order_by().values_list("source_language", "target_language").distinct()
        )
        return [(f"{source}-{target}", f"{source} → {target}") for source, target in sorted(set(pairs))]

    def queryset(self, request, queryset):
        source, _, target = (self.value() or "").partition("-")
        if source and target:
            return queryset.filter(source_language=source, target_language=target)
        return queryset


class MissingFilter(admin.SimpleListFilter):
    title = "missing"
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("translation", "Entries without translation"), ("audio", "Entries without audio")]

    def queryset(self, request, queryset):
        if self.value() == "translation":
            return queryset.filter(missing_translation__gt=0)
        if self.value() == "audio":
            return queryset.filter(missing_audio__gt=0)
        return queryset


@admin.register(WordBankPack)
class WordBankPackAdmin(SortableAdminBase, ImportViews, admin.ModelAdmin):
    form = PackForm
    inlines = [EntryInline]
    # Short columns, so the list fits beside the sidebar and the filter panel at 1366 px.
    list_display = (
        "title",
        "languages",
        "level_code",
        "published",
        "entries_count",
        "missing",
        "jobs",
        "updated",
    )
    list_filter = ("published", LanguagesFilter, "level", MissingFilter)
    search_fields = ("title", "slug", "tags", "entries__text")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("published", "published_at", "created_by", "created_at", "updated_at", "progress")
    list_per_page = 50
    save_on_top = True
    actions = [
        "publish",
        "unpublish",
        "duplicate",
        "fill_missing_translations",
        "generate_missing_audio",
        "export_csv",
        "export_json",
        "export_apkg",
        "delete_selected",
    ]
    fieldsets = (
        (None, {"fields": ("title", "slug", "description", ("source_language", "target_language", "level"), "tags")}),
        ("Publishing", {"fields": ("published", "published_at", "cover_image")}),
        ("Progress", {"fields": ("progress",)}),
        ("History", {"classes": ("collapse",), "fields": ("created_by", "created_at", "updated_at")}),
    )

    @property
    def media(self) -> Media:
        # SortableAdminBase swaps actions.js for a patched copy named after the Django version;
        # 2.3 has none for 6.1, so keep Django's own (the changelist is not sortable here).
        media = super().media
        js = ["admin/js/actions.js" if name == "adminsortable2/js/actions-6.1.js" else name for name in media._js]
        return Media(css=media._css, js=js)

    def get_queryset(self, request):
        queued, failed = JobStatus.QUEUED, JobStatus.FAILED
        return selectors.packs_with_counts(super().get_queryset(request)).annotate(
            jobs_queued=selectors.entry_count(filter_q=Q(translation_status=queued) | Q(audio_status=queued)),
            jobs_failed=selectors.entry_count(filter_q=Q(translation_status=failed) | Q(audio_status=failed)),
        )

    def get_inlines(self, request, obj):
        # A big pack is edited on the entries list instead (the form could not be posted).
        if obj is not None and obj.entries.count() > INLINE_LIMIT:
            return []
        return self.inlines

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pack = self.get_object(request, object_id)
        count = pack.entries.count() if pack is not None else 0
        extra_context = {
            **(extra_context or {}),
            "entries_url": reverse("admin:packs_wordbankpackentry_changelist") + f"?pack__id__exact={object_id}",
            "entries_count": count,
            "entries_inline": count <= INLINE_LIMIT,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        # A published pack is unpublished first (learners see it), as the staff API insists (409).
        if obj is not None and obj.published:
            return False
        return super().has_delete_permission(request, obj)

    def save_formset(self, request, form, formset, change):
        old = {f.instance.pk: f.initial.get("translation") or "" for f in formset.forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        for entry in formset.changed_objects and [
            obj for obj, fields in formset.changed_objects if "translation" in fields
        ]:
            services.pack_entry_changes_reach_learners(entry=entry, old={"translation": old.get(entry.pk, "")})

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    # --- list columns ---------------------------------------------------------------------------

    @admin.display(description="languages", ordering="target_language")
    def languages(self, pack: WordBankPack) -> str:
        return f"{pack.source_language} → {pack.target_language}"

    @admin.display(description="entries", ordering="entry_count")
    def entries_count(self, pack: WordBankPack) -> int:
        return pack.entry_count

    @admin.display(description="level", ordering="level")
    def level_code(self, pack: WordBankPack) -> str:
        return pack.level

    @admin.display(description="missing", ordering="missing_translation")
    def missing(self, pack: WordBankPack) -> str:
        """Entries without a translation / without audio."""
        if not (pack.missing_translation or pack.missing_audio):
            return "—"
        return format_html("{} translation<br>{} audio", _warn(pack.missing_translation), _warn(pack.missing_audio))

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, pack: WordBankPack) -> str:
        return date_format(localtime(pack.updated_at), "j M Y")

    @admin.display(description="jobs")
    def jobs(self, pack: WordBankPack) -> str:
        """Entries with queued or failed translation/audio jobs; reload to follow progress."""
        if not (pack.jobs_queued or pack.jobs_failed):
            return "—"
        return f"{pack.jobs_queued} queued, {pack.jobs_failed} failed"

    @admin.display(description="background jobs")
    def progress(self, pack: WordBankPack) -> str:
        if pack is None or pack.pk is None:
            return "—"
        counts = pack.entries.aggregate(
            **{
                f"{kind}_{status}": Count("id", filter=Q(**{f"{kind}_status": status}))
                for kind in ("translation", "audio")
                for status in (JobStatus.QUEUED, JobStatus.DONE, JobStatus.FAILED)
            }
        )
        parts = []
        for kind in ("translation", "audio"):
            queued, done, failed = (counts[f"{kind}_{s}"] for s in (JobStatus.QUEUED, JobStatus.DONE, JobStatus.FAILED))
            if queued or done or failed:
                parts.append(f"{kind.capitalize()}: {done} done, {queued} queued, {failed} failed")
        return " · ".join(parts) or "No jobs asked for yet."

    # --- actions --------------------------------------------------------------------------------

    @admin.action(description="Delete selected packs", permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Django's own "Delete selected" (confirmation page and all) for unpublished packs; with a
        published one selected it would answer a bare 403, so say which and delete nothing."""
        published = list(queryset.filter(published=True).values_list("title", flat=True)[:5])
        if published:
            self.message_user(
                request,
                "Published packs cannot be deleted (learners see them); unpublish them first. Nothing was "
                f"deleted. Published: {', '.join(published)}.",
                messages.ERROR,
            )
            return None
        return delete_selected(self, request, queryset)

    @admin.action(description="Publish selected packs", permissions=["change"])
    def publish(self, request, queryset):
        changed = services.packs_publish(packs=queryset)
        self.message_user(request, f"Published {changed} pack(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected packs", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = services.packs_unpublish(packs=queryset)
        self.message_user(request, f"Unpublished {changed} pack(s).", messages.SUCCESS)

    @admin.action(description="Duplicate selected packs (as unpublished copies)", permissions=["add"])
    def duplicate(self, request, queryset):
        for pack in queryset:
            copy = services.pack_duplicate(pack=pack, user=request.user)
            url = reverse("admin:packs_wordbankpack_change", args=[copy.pk])
            self.message_user(request, format_html('Created <a href="{}">{}</a>.', url, copy.title), messages.SUCCESS)

    @admin.action(
        description="Fill missing translations (machine translation, in the background)", permissions=["change"]
    )
    def fill_missing_translations(self, request, queryset):
        queued = packs_request_translations(packs=queryset)
        self.message_user(request, f"Queued translation of {queued} entries; the jobs column shows progress.")

    @admin.action(description="Generate missing audio (text-to-speech, in the background)", permissions=["change"])
    def generate_missing_audio(self, request, queryset):
        queued = packs_request_audio(packs=queryset)
        self.message_user(request, f"Queued audio for {queued} entries; the jobs column shows progress.")

    def _export(self, queryset, fmt: str) -> HttpResponse:
        exported = services.packs_export(packs=queryset.order_by("slug"), fmt=fmt)
        response = HttpResponse(exported.data, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response

    @admin.action(description="Export selected packs as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description="Export selected packs as JSON", permissions=["view"])
    def export_json(self, request, queryset):
        return self._export(queryset, "json")

    @admin.action(description="Export selected packs as an Anki deck (.apkg)", permissions=["view"])
    def export_apkg(self, request, queryset):
        return self._export(queryset, "apkg")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="packs_wordbankpack_import"),
            path("<uuid:pack_id>/import/", view(self.import_view), name="packs_wordbankpack_import_into"),
            *super().get_urls(),
        ]


def _warn(count: int) -> str:
    return format_html('<strong style="color:#ba2121">{}</strong>', count) if count else "0"
