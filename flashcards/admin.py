"""Admin: cards with their FSRS state and events are read-only — they change only through reviews
(the API's services), so the admin can never leave a card inconsistent with its history."""

from django.contrib import admin

from vocab.admin import LearnableWordBankEntryAdmin
from vocab.models import LearnableWordBankEntry

from .models import Flashcard, FlashcardEvent

FSRS_READONLY = ("state", "step", "stability", "difficulty", "due", "last_review")


class FlashcardEventInline(admin.TabularInline):
    model = FlashcardEvent
    fields = ("reviewed_at", "rating", "duration_ms", "client_event_id")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-reviewed_at",)
    max_num = 0


@admin.register(Flashcard)
class FlashcardAdmin(admin.ModelAdmin):
    list_display = ("entry", "direction", "user", "pair", "state", "due", "last_review", "suspended")
    list_filter = ("state", "direction", "suspended", "pair__target_language")
    search_fields = ("entry__text", "entry__translation", "user__email")
    list_select_related = ("entry", "user", "pair")
    raw_id_fields = ("user", "pair", "entry")
    readonly_fields = ("user", "pair", "entry", "direction", *FSRS_READONLY, "created_at", "updated_at")
    fields = ("user", "pair", "entry", "direction", "suspended", *FSRS_READONLY, "created_at", "updated_at")
    inlines = [FlashcardEventInline]
    date_hierarchy = "due"

    def has_add_permission(self, request) -> bool:
        return False  # cards are created with their entry


@admin.register(FlashcardEvent)
class FlashcardEventAdmin(admin.ModelAdmin):
    list_display = ("card", "user", "rating", "reviewed_at", "duration_ms", "client_event_id")
    list_filter = ("rating",)
    search_fields = ("user__email", "client_event_id", "card__entry__text")
    list_select_related = ("card__entry", "user")
    raw_id_fields = ("card", "user")
    date_hierarchy = "reviewed_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # append-only history


class FlashcardInline(admin.TabularInline):
    model = Flashcard
    fields = ("direction", *FSRS_READONLY, "suspended")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


# A word bank entry's page shows its cards. The entry admin is vocab's; flashcards, the app above it,
# adds the inline (vocab's admin runs first: INSTALLED_APPS lists vocab before flashcards).
admin.site.unregister(LearnableWordBankEntry)


@admin.register(LearnableWordBankEntry)
class EntryWithCardsAdmin(LearnableWordBankEntryAdmin):
    inlines = [*LearnableWordBankEntryAdmin.inlines, FlashcardInline]
