"""The admin import page: upload a CSV/JSON/.apkg, see what would be created / updated /
rejected (with line numbers and reasons), then confirm. The upload waits in storage between
the two steps under a random key; confirming runs the same `packs_import` as the command."""

from __future__ import annotations

import os
import re
import uuid

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from langlearn import storage
from langlearn.languages import LANGUAGE_CHOICES

from ..models import WordBankPack
from ..services import ImportSource, packs_import

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
TOKEN = re.compile(r"^[0-9a-f]{32}$")
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class ImportForm(forms.Form):
    file = forms.FileField(help_text="CSV (see the header below), JSON, or an Anki .apkg.")
    update = forms.BooleanField(required=False, help_text="Also change existing entries that differ.")
    publish = forms.BooleanField(required=False, help_text="Publish the pack(s) after importing.")
    source_language = forms.ChoiceField(
        choices=[("", "—"), *LANGUAGE_CHOICES], required=False, help_text="The pack's learner language."
    )
    target_language = forms.ChoiceField(
        choices=[("", "—"), *LANGUAGE_CHOICES], required=False, help_text="The language the pack teaches."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        if os.path.splitext(upload.name)[1].lower() not in (".csv", ".json", ".apkg"):
            raise forms.ValidationError("Upload a .csv, .json or .apkg file.")
        return upload


class ConfirmForm(forms.Form):
    token = forms.RegexField(regex=TOKEN)
    name = forms.CharField(max_length=200)
    update = forms.BooleanField(required=False)
    publish = forms.BooleanField(required=False)
    source_language = forms.CharField(required=False)
    target_language = forms.CharField(required=False)


def _upload_key(token: str, name: str) -> str:
    return f"packs/import-uploads/{token}/{SAFE_NAME.sub('_', os.path.basename(name))[:100]}"


class ImportViews:
    """Mixed into the pack ModelAdmin; URLs are added in its get_urls."""

    def import_view(self, request, pack_id=None):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        into = get_object_or_404(WordBankPack, pk=pack_id) if pack_id else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Import entries into “{into.title}”" if into else "Import packs",
            "into": into,
        }
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request, into)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            options = {k: form.cleaned_data[k] for k in ("update", "publish", "source_language", "target_language")}
            report = self._run(data, upload.name, into, request, dry_run=True, **options)
            token = uuid.uuid4().hex
            if any(p.action != "reject" for p in report.packs):
                storage.save_bytes(_upload_key(token, upload.name), data)
            context.update(
                report=report,
                can_confirm=any(p.action != "reject" for p in report.packs),
                confirm={"token": token, "name": upload.name, **options},
            )
        context["form"] = form
        # The admin's own fieldset rendering, so the form looks like every change form.
        context["adminform"] = helpers.AdminForm(
            form,
            [
                (None, {"fields": ["file", "update", "publish"]}),
                (
                    "Languages (only for .apkg files from elsewhere)",
                    {"fields": [("source_language", "target_language")]},
                ),
            ],
            {},
            model_admin=self,
        )
        context["media"] = self.media + form.media
        return TemplateResponse(request, "admin/packs/wordbankpack/import.html", context)

    def _run(self, data: bytes, name: str, into, request, *, dry_run: bool, **options):
        defaults = {k: options.pop(k) or None for k in ("source_language", "target_language")}
        return packs_import(
            sources=[ImportSource(name=name, data=data)],
            dry_run=dry_run,
            into_pack=into,
            defaults=defaults,
            user=request.user,
            keep_rows=dry_run,
            **options,
        )

    def _confirm(self, request, into):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            raise Http404("Unknown import.")
        name = form.cleaned_data["name"]
        key = _upload_key(form.cleaned_data["token"], name)
        if not storage.exists(key):
            messages.error(request, "That upload has expired or was already imported; upload the file again.")
            return HttpResponseRedirect(request.path)
        data = storage.read_bytes(key)
        options = {k: form.cleaned_data[k] for k in ("update", "publish", "source_language", "target_language")}
        report = self._run(data, name, into, request, dry_run=False, **options)
        storage.delete(key)
        for error in report.errors:
            messages.error(request, str(error))
        if report.ok:
            messages.success(request, report.summary())
        else:
            messages.warning(request, report.summary())
        if into is not None:
            return HttpResponseRedirect(reverse("admin:packs_wordbankpack_change", args=[into.pk]))
        return HttpResponseRedirect(reverse("admin:packs_wordbankpack_changelist"))
