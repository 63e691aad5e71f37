"""The JSON parser every view uses: DRF's, plus refusals of what no field can hold.

- Pathologically nested documents: Python's json module raises RecursionError (not ValueError) on
  nesting deeper than the recursion limit (~1,000 levels), which DRF's parser does not catch:
  `[[[[...]]]]` in a 2 MB body was a 500.
- NUL characters and lone surrogates (`"\\u0000"`, `"\\ud800"`), in keys or values: JSON may carry
  them, but PostgreSQL text and jsonb cannot store NUL, and a lone surrogate cannot be encoded as
  UTF-8, so a validation message echoing one (an unknown time zone, an unknown choice) crashed the
  response renderer. No text this API takes means either, so the whole document is refused here,
  once, instead of in every field and every service that reads raw JSON.
"""

from __future__ import annotations

import re

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser

_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def find_forbidden_text(data) -> str | None:
    """The first string in a parsed JSON document holding NUL or a lone surrogate, else None.
    Iterative, so a document nested as deep as the parser allows cannot overflow the stack."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _FORBIDDEN.search(item):
                return item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def check_text(data):
    found = find_forbidden_text(data)
    if found is not None:
        char = _FORBIDDEN.search(found).group()
        raise ParseError(
            f"JSON parse error - text may not contain U+{ord(char):04X} "
            "(NUL characters and lone surrogates are refused)."
        )
    return data


class JSONParser(DRFJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        return check_text(data)
