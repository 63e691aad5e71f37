"""Entries on their own list: for packs too big for the inline (a change form posts every inline
field, and Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS), and for work across packs —
search every entry, filter by pack or job status, edit translations in place, 100 per page."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from vocab.keys import normalize_key

from ..models import ENTRY_CONTENT_FIELDS, WordBankPackEntry
from .inlines import EntryInline


class EntryForm(forms.ModelForm):
    class Meta:
        model = WordBankPackEntry
        fields = ["pack", "position", *ENTRY_CONTENT_FIELDS, "audio"]

    def clean(self):
        cleaned = super().clean()
        pack, text = cleaned.get("pack") or getattr(self.instance, "pack", None), cleaned.get("text")
        if pack is not None and text:
            clash = WordBankPackEntry.objects.filter(pack=pack, normalized_text=normalize_key(text))
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("text", f"“{text}” is already in this pack.")
        return cleaned


@admin.register(WordBankPackEntry)
class WordBankPackEntryAdmin(admin.ModelAdmin):
    form = EntryForm
    list_display = ("text", "translation", "part_of_speech", "pack", "position", "audio_player", "status")
    list_editable = ("translation", "part_of_speech")
    list_filter = ("translation_status", "audio_status", ("pack", admin.RelatedOnlyFieldListFilter))
    search_fields = ("text", "translation", "pack__title", "pack__slug")
    list_select_related = ("pack",)
    list_per_page = 100
    autocomplete_fields = ("pack",)
    readonly_fields = ("audio_player", "status", "translation_status", "audio_status", "job_error")
    fields = ("pack", "position", *ENTRY_CONTENT_FIELDS, "audio", "audio_player", "status")
    ordering = ("pack__title", "position")

    audio_player = EntryInline.audio_player
    status = EntryInline.status
