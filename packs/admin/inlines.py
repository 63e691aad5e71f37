"""The sortable entries inline: drag rows to reorder (django-admin-sortable2), play each entry's
audio, and validation messages that name the row."""

from __future__ import annotations

from adminsortable2.admin import SortableTabularInline
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html

from vocab.keys import normalize_key

from ..models import WordBankPackEntry
from .forms import audio_player


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
    # What fits at 1366 px next to the admin's sidebar, Listen and Delete included: the example's
    # translation, the notes and a new recording are on each entry's own page ("Change" link).
    fields = ("text", "translation", "part_of_speech", "example_sentence", "audio_player", "status")
    readonly_fields = ("audio_player", "status")
    show_change_link = True
    formfield_overrides = {
        models.CharField: {"widget": forms.TextInput(attrs={"size": 16})},
        models.TextField: {"widget": forms.TextInput(attrs={"size": 26})},
    }

    @admin.display(description="Listen")
    def audio_player(self, entry: WordBankPackEntry) -> str:
        return audio_player(entry.audio if entry else None, compact=True)

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
