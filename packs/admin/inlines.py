"""The sortable entries inline: drag rows to reorder (django-admin-sortable2), play each entry's
audio, and validation messages that name the row."""

from __future__ import annotations

from adminsortable2.admin import SortableTabularInline
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html

from langlearn.storage import media_url
from vocab.keys import normalize_key

from ..models import ENTRY_CONTENT_FIELDS, WordBankPackEntry


class EntryFormSet(SortableTabularInline.formset):
    def clean(self) -> None:
        super().clean()
        seen: dict[str, int] = {}
        problems = []
        for row, form in enumerate(self.forms, start=1):
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            text = form.cleaned_data.get("text") or ""
            key = normalize_key(text)
            if not key:
                continue
            if key in seen:
                message = f"Row {row}: “{text}” is already in row {seen[key]}."
                form.add_error("text", message)
                problems.append(message)
            else:
                seen[key] = row
        if problems:
            raise ValidationError(problems)


class EntryInline(SortableTabularInline):
    model = WordBankPackEntry
    formset = EntryFormSet
    # adminsortable2 2.3 ships templates up to Django 6.0; 6.1's tabular inline is unchanged.
    template = "adminsortable2/edit_inline/tabular-django-6.0.html"
    extra = 3
    fields = (*ENTRY_CONTENT_FIELDS, "audio", "audio_player", "status")
    readonly_fields = ("audio_player", "status")
    formfield_overrides = {models.TextField: {"widget": forms.TextInput(attrs={"size": 30})}}

    @admin.display(description="Listen")
    def audio_player(self, entry: WordBankPackEntry) -> str:
        url = media_url(entry.audio) if entry and entry.audio else None
        if not url:
            return "—"
        return format_html('<audio controls preload="none" src="{}" style="height:28px"></audio>', url)

    @admin.display(description="Jobs")
    def status(self, entry: WordBankPackEntry) -> str:
        parts = []
        if entry.translation_status:
            parts.append(f"translation {entry.get_translation_status_display().lower()}")
        if entry.audio_status:
            parts.append(f"audio {entry.get_audio_status_display().lower()}")
        text = ", ".join(parts) or "—"
        if entry.job_error:
            return format_html('{}<br><span style="color:#ba2121">{}</span>', text, entry.job_error)
        return text
