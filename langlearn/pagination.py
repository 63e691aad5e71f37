"""Pagination with a strict, capped page size (OWASP API4: no unbounded pages).

DRF silently falls back to the default page size on a malformed `page_size`; we answer 400 instead
so a client bug shows up (and the schema's "integer" means what it says). Above the maximum the
size is capped, not refused: asking for "as many as you can" is a fair request.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


def strict_page_size(paginator, request) -> int:
    name = paginator.page_size_query_param
    values = request.query_params.getlist(name)
    if not values:
        return paginator.page_size
    raw = values[-1].strip()
    if len(values) > 1 or not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise ValidationError({name: ["Expected one whole number of at least 1."]})
    return min(int(raw), paginator.max_page_size)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int:
        return strict_page_size(self, request)

    def get_page_number(self, request, paginator):
        # A repeated or empty `?page=` is a client bug; DRF would silently use the last one, or page 1.
        values = request.query_params.getlist(self.page_query_param)
        if len(values) > 1 or values == [""]:
            raise ValidationError({self.page_query_param: ["Give one page number."]})
        return super().get_page_number(request, paginator)


class CursorPagination(pagination.CursorPagination):
    """For lists that grow without bound (events, jobs): keyset, no COUNT(*)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-created_at"

    def get_page_size(self, request) -> int:
        return strict_page_size(self, request)

    def paginate_queryset(self, queryset, request, view=None):
        # DRF checks a cursor's encoding but not its position: a crafted `p=` ("2026-02-30", "xxx")
        # reached the database filter and raised there, a 500. It is as invalid as a badly encoded
        # cursor, and answers the same way.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, OverflowError):
            raise NotFound(self.invalid_cursor_message) from None
