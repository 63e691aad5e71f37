"""JSON types mean what the schema says: a text field takes a string, a yes/no field takes a boolean.

DRF coerces by default — `{"translation": 0}` is stored as "0", `{"suspended": 0}` as False — so a
client bug (or an attacker probing) passes silently, and the OpenAPI schema ("type": "string",
"type": "boolean") is not what the API enforces. Installed once from LanglearnConfig.ready for
every serializer of every app. Strings stay accepted for booleans ("true"/"false"), because
multipart forms and query strings carry nothing but strings.

A text's `max_length` counts what the client sent: DRF trims surrounding whitespace first and
measures what is left, so " " + 100 characters passed a 100-character limit the schema states.
"""

from __future__ import annotations

from rest_framework import fields

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    char_to_internal = fields.CharField.to_internal_value
    bool_to_internal = fields.BooleanField.to_internal_value

    def strict_char(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return char_to_internal(self, data)

    def strict_bool(self, data):
        if isinstance(data, int | float) and not isinstance(data, bool):
            self.fail("invalid")
        return bool_to_internal(self, data)

    fields.CharField.to_internal_value = strict_char
    fields.BooleanField.to_internal_value = strict_bool
