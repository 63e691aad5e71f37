"""Admin for language pairs and word bank entries. Saving goes through the same services as the API
(so a changed lemma moves the duplicate key, a changed text is spoken again, switching production
cards on creates them); entries are added by learners and packs, not here."""

from django import forms
from django.contrib import admin

from . import services
from .models import LearnableWordBankEntry, UserLanguagePair
from .services.entries import EDITABLE_FIELDS
from .services.pairs import PAIR_SETTINGS


@admin.register(UserLanguagePair)
class UserLanguagePairAdmin(admin.ModelAdmin):
    list_display = ("user", "source_language", "target_language", "level", "is_active", "review_count", "created_at")
    list_filter = ("source_language", "target_language", "level", "is_active")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("review_count", "fsrs_parameters_fitted_at", "fsrs_reviews_at_fit", "created_at", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # The languages are the pair's identity (as in the API): set once, when the pair is created.
        if obj is not None:
            return (*self.readonly_fields, "user", "source_language", "target_language")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in PAIR_SETTINGS}
        fresh = UserLanguagePair.objects.get(pk=obj.pk)
        services.pair_update(pair=fresh, **changes)

    def delete_model(self, request, obj):
        services.pair_delete(pair=obj)


class EntryAdminForm(forms.ModelForm):
    class Meta:
        model = LearnableWordBankEntry
        fields = EDITABLE_FIELDS

    def clean(self):
        data = super().clean()
        key = services.normalize_key(data.get("lemma") or data.get("text") or "")
        clash = LearnableWordBankEntry.objects.filter(pair_id=self.instance.pair_id, normalized_lemma=key)
        if key and clash.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another entry of this word bank already has this word.")
        return data


@admin.register(LearnableWordBankEntry)
class LearnableWordBankEntryAdmin(admin.ModelAdmin):
    form = EntryAdminForm
    list_display = ("text", "lemma", "translation", "part_of_speech", "pair", "user", "source", "created_at")
    list_filter = (
        "source",
        "pair__target_language",
        "pair__source_language",
        ("pair", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("text", "lemma", "translation", "user__email")
    list_select_related = ("pair", "user")
    readonly_fields = ("user", "pair", "normalized_lemma", "audio", "source", "source_ref", "created_at", "updated_at")
    fields = (*EDITABLE_FIELDS, *readonly_fields)
    # The entry's cards are shown inline by flashcards/admin.py, which extends this class (vocab does
    # not import flashcards beyond card creation).

    def has_add_permission(self, request) -> bool:
        return False  # words are added by learners, packs, articles and adventures (vocab.services.entries_add)

    def save_model(self, request, obj, form, change):
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in EDITABLE_FIELDS}
        services.entry_update(entry=LearnableWordBankEntry.objects.get(pk=obj.pk), **changes)

    def delete_model(self, request, obj):
        services.entry_delete(entry=obj)
