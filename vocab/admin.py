from django.contrib import admin

from flashcards.models import Flashcard

from .models import LearnableWordBankEntry, UserLanguagePair


@admin.register(UserLanguagePair)
class UserLanguagePairAdmin(admin.ModelAdmin):
    list_display = ("user", "source_language", "target_language", "level", "is_active", "review_count", "created_at")
    list_filter = ("source_language", "target_language", "level", "is_active")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("review_count", "fsrs_parameters_fitted_at", "fsrs_reviews_at_fit", "created_at", "updated_at")


class FlashcardInline(admin.TabularInline):
    model = Flashcard
    fields = ("direction", "state", "step", "stability", "difficulty", "due", "last_review", "suspended")
    readonly_fields = ("direction", "state", "step", "stability", "difficulty", "due", "last_review")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LearnableWordBankEntry)
class LearnableWordBankEntryAdmin(admin.ModelAdmin):
    list_display = ("text", "lemma", "translation", "part_of_speech", "pair", "user", "source", "created_at")
    list_filter = (
        "source",
        "pair__target_language",
        "pair__source_language",
        ("pair", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("text", "lemma", "translation", "user__email")
    list_select_related = ("pair", "user")
    raw_id_fields = ("user", "pair")
    readonly_fields = ("normalized_lemma", "created_at", "updated_at")
    inlines = [FlashcardInline]
