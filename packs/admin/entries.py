"""Entries on their own list: for packs too big for the inline (a change form posts every inline
field, and Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS), and for work across packs —
search every entry, filter by pack or job status, edit translations in place, 100 per page."""

from __future__ import annotations

import os

from django import forms
from django.contrib import admin

from vocab.keys import normalize_key

from ..models import ENTRY_CONTENT_FIELDS, WordBankPackEntry
from ..services.enrich import pack_entry_audio_replace
from ..services.learners import pack_entry_changes_reach_learners
from .forms import AudioUploadField
from .forms import audio_player as player
from .inlines import EntryInline


class EntryForm(forms.ModelForm):
    audio_file = AudioUploadField(label="New recording")

    class Meta:
        model = WordBankPackEntry
        fields = ["pack", "position", *ENTRY_CONTENT_FIELDS]

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
    list_display = ("text", "translation", "part_of_speech", "pack", "position", "listen", "status")
    list_editable = ("translation", "part_of_speech")
    list_filter = ("translation_status", "audio_status", ("pack", admin.RelatedOnlyFieldListFilter))
    search_fields = ("text", "translation", "pack__title", "pack__slug")
    list_select_related = ("pack",)
    list_per_page = 100
    autocomplete_fields = ("pack",)
    readonly_fields = ("audio_player", "status", "translation_status", "audio_status", "job_error")
    fields = ("pack", "position", *ENTRY_CONTENT_FIELDS, "audio_player", "audio_file", "status")
    ordering = ("pack__title", "position")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "translation" in form.changed_data:
            pack_entry_changes_reach_learners(entry=obj, old={"translation": form.initial.get("translation") or ""})
        upload = form.cleaned_data.get("audio_file")
        if upload:
            extension = os.path.splitext(upload.name)[1]
            pack_entry_audio_replace(entry=obj, data=upload.read(), extension=extension)

    listen = EntryInline.audio_player

    @admin.display(description="Audio")
    def audio_player(self, entry: WordBankPackEntry) -> str:
        return player(entry.audio if entry else None)

    status = EntryInline.status
