"""Query-string parameters validated by a serializer, with the schema's types meaning what they say.

DRF reads a query string like an HTML form: a parameter given empty (`?limit=`) counts as left out,
so the default applies silently. For a number, a yes/no, a date, an id or a choice, an empty value
is not of the documented type; it is refused with a 400 naming the parameter, like any other
malformed value. Text parameters (`?search=`) may still be empty.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from langlearn import serializers


class QuerySerializer(serializers.Serializer):
    @classmethod
    def parse(cls, request) -> dict:
        """The request's query parameters, validated (a 400 naming each bad one)."""
        params = cls(data=request.query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            empty = [
                name
                for name, field in self.fields.items()
                if not isinstance(field, serializers.CharField) and "" in data.getlist(name)
            ]
            if empty:
                raise serializers.ValidationError(
                    {name: [_("Give a value, or leave the parameter out.")] for name in empty}
                )
        return super().to_internal_value(data)
