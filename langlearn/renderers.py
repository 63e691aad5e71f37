"""The JSON renderer every view uses: DRF's, which writes non-ASCII text as UTF-8, except that text
UTF-8 cannot encode (a lone surrogate that reached a response some other way than the JSON parser,
which refuses them) is written as a JSON `\\uXXXX` escape instead of crashing the response."""

from __future__ import annotations

from rest_framework.renderers import JSONRenderer as DRFJSONRenderer


class JSONRenderer(DRFJSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True
            try:
                return super().render(data, accepted_media_type, renderer_context)
            finally:
                del self.ensure_ascii
