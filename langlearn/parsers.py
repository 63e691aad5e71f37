"""The JSON parser every view uses: DRF's, plus a refusal of pathologically nested documents.

Python's json module raises RecursionError (not ValueError) on nesting deeper than the recursion
limit (~1,000 levels), which DRF's parser does not catch: `[[[[...]]]]` in a 2 MB body was a 500.
"""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser


class JSONParser(DRFJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
