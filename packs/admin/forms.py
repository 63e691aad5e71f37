"""Admin form fields: tags typed as "travel, spain" (as CSV import reads them) instead of JSON, and
an entry's audio as a player plus an upload instead of a storage-path text box."""

from __future__ import annotations

import contextlib
import json
import os

from django import forms
from django.utils.html import format_html, format_html_join

from langlearn.storage import media_url

from ..models import WordBankPack
from ..services.enrich import AUDIO_CONTENT_TYPES
from ..services.formats import split_tags

MAX_TAG_LENGTH = 50
AUDIO_EXTENSIONS = tuple(AUDIO_CONTENT_TYPES)
MAX_AUDIO_BYTES = 5 * 1024 * 1024


class TagsInput(forms.TextInput):
    """A text box with the tags already used on other packs offered as suggestions (a datalist)."""

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id', name)}-suggestions"
        attrs = {**(attrs or {}), "list": list_id}
        used = sorted({tag for tags in WordBankPack.objects.values_list("tags", flat=True) for tag in tags or []})
        options = format_html_join("", '<option value="{}">', ((tag,) for tag in used))
        return format_html(
            '{}<datalist id="{}">{}</datalist>', super().render(name, value, attrs, renderer), list_id, options
        )


class TagsField(forms.CharField):
    """Comma-separated tags in the form; a list of lower-case, de-duplicated tags in the model."""

    widget = TagsInput(attrs={"size": 60, "placeholder": "travel, spain"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "Comma-separated, e.g. “travel, spain” (stored lower-case, once each).")
        for key in ("encoder", "decoder", "max_length"):  # JSONField's form options do not apply
            kwargs.pop(key, None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(tag) for tag in value)
        return value

    def to_python(self, value):
        if isinstance(value, str) and value.strip().startswith("["):
            with contextlib.suppress(json.JSONDecodeError):  # the old JSON box's format, still accepted
                value = json.loads(value)
        tags = split_tags(value)
        too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(f"A tag may have at most {MAX_TAG_LENGTH} characters: {too_long[0][:60]}…")
        return tags

    def has_changed(self, initial, data):
        return split_tags(initial or []) != self.to_python(data)


class PackForm(forms.ModelForm):
    tags = TagsField()

    class Meta:
        model = WordBankPack
        fields = ("title", "slug", "description", "source_language", "target_language", "level", "tags", "cover_image")


class AudioUploadField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", f"Replace the spoken word with your own recording ({', '.join(AUDIO_EXTENSIONS)}, ≤ 5 MB)."
        )
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ",".join(AUDIO_EXTENSIONS)}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return upload
        if os.path.splitext(upload.name)[1].lower() not in AUDIO_EXTENSIONS:
            raise forms.ValidationError(f"Upload an audio file ({', '.join(AUDIO_EXTENSIONS)}).")
        if upload.size > MAX_AUDIO_BYTES:
            raise forms.ValidationError("The recording is larger than 5 MB.")
        return upload


def audio_player(key: str | None, *, compact: bool = False) -> str:
    """A player for a stored recording, or a dash. Compact: one play button (the shared admin script
    in templates/admin/admin_overrides.html plays it), for table rows where a full player is too wide."""
    url = media_url(key) if key else None
    if not url:
        return "—"
    if compact:
        return format_html(
            '<button type="button" class="ll-play" data-src="{}" title="Play" aria-label="Play">▶</button>', url
        )
    return format_html('<audio class="ll-audio" controls preload="none" src="{}"></audio>', url)
