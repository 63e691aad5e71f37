"""DRF's serializers, with JSON types that mean what the schema says. Apps write
`from langlearn import serializers` where they would write `from rest_framework import serializers`.

DRF coerces by default — `{"translation": 0}` is stored as "0", `{"suspended": 0}` as False — so a
client bug (or an attacker probing) passes silently, and the OpenAPI schema ("type": "string",
"type": "boolean") is not what the API enforces. Here a text field takes a string and a yes/no field
a boolean; strings stay accepted for booleans ("true"/"false"), because multipart forms and query
strings carry nothing but strings. A text's `max_length` counts what the client sent: DRF trims
surrounding whitespace first and measures what is left, so " " + 100 characters passed a
100-character limit. `ModelSerializer` maps model fields onto these strict fields.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as drf
from rest_framework.serializers import *  # noqa: F403  (the rest of DRF's module, unchanged)


class _StrictText:
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class CharField(_StrictText, drf.CharField):
    pass


class EmailField(_StrictText, drf.EmailField):
    pass


class RegexField(_StrictText, drf.RegexField):
    pass


class SlugField(_StrictText, drf.SlugField):
    pass


class URLField(_StrictText, drf.URLField):
    pass


class IPAddressField(_StrictText, drf.IPAddressField):
    pass


class BooleanField(drf.BooleanField):
    def to_internal_value(self, data):
        if isinstance(data, int | float) and not isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


class UUIDField(drf.UUIDField):
    """DRF turns an integer into a UUID (`UUID(int=...)`), and `false` is an integer: `{"card": false}`
    passed as the nil UUID. A UUID is a string in JSON."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


_STRICT = {
    drf.CharField: CharField,
    drf.EmailField: EmailField,
    drf.RegexField: RegexField,
    drf.SlugField: SlugField,
    drf.URLField: URLField,
    drf.IPAddressField: IPAddressField,
    drf.BooleanField: BooleanField,
    drf.UUIDField: UUIDField,
}


class ModelSerializer(drf.ModelSerializer):
    """Also: a PATCH naming a field it cannot change (read-only like `email` or `is_staff`, fixed
    after creation like a pair's `target_language`, or no field at all) answers 400 naming it.
    DRF drops such keys silently with 200, so a client believes a change happened that did not."""

    serializer_field_mapping = {
        model_field: _STRICT.get(field, field)
        for model_field, field in drf.ModelSerializer.serializer_field_mapping.items()
    }

    def to_internal_value(self, data):
        if self.partial and self.instance is not None and hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = sorted(set(data.keys()) - writable)
            if refused:
                raise drf.ValidationError(
                    {
                        name: [_("This field cannot be changed.") if name in self.fields else _("Unknown field.")]
                        for name in refused
                    }
                )
        return super().to_internal_value(data)
