"""OpenAPI post-processing: document the error contract on every operation.

drf-spectacular documents only the success answers a view declares, yet every operation can
answer the shared error body (`langlearn.errors`): 400 bad input, 401 no or bad token, 403 not
allowed, 404 not found (also an out-of-range page), 429 throttled or over quota, 503 a provider
or the database is down; writes add 409, 413 and 415. Clients (and schemathesis'
status/response conformance checks) rely on the schema saying so.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_serializer

from langlearn import serializers

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error: a readable `detail` and a stable `code`; validation errors add the "
    "field map (`{field: [messages]}`).",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
    },
    "required": ["detail", "code"],
    "additionalProperties": True,
}


@extend_schema_serializer(component_name=ERROR_SCHEMA_NAME)
class ErrorSerializer(serializers.Serializer):
    """The error body, for a view that names it among alternatives (PolymorphicProxySerializer);
    the hook below gives the component its full description either way."""

    detail = serializers.CharField()
    code = serializers.CharField()


_DESCRIPTIONS = {
    "400": "Invalid input (field map for validation errors).",
    "401": "Authentication credentials were missing or invalid.",
    "403": "Not allowed (staff only, or a CSRF/permission refusal).",
    "404": "Not found, or not yours (another learner's object answers 404), or a page out of range.",
    "409": "Conflicts with the current state.",
    "413": "The request body or upload is too large.",
    "414": "The URL is too long (the app server refuses request lines over 4 KB).",
    "415": "Unsupported media type.",
    "422": "This Idempotency-Key was used for a different request (`idempotency_key_reused`).",
    "429": "Throttled or over the daily quota; see Retry-After.",
    "503": "A provider or backing service is unavailable; try again shortly.",
}
_ALWAYS = ("400", "401", "403", "404", "414", "429", "503")
_WRITES = ("409", "413", "415")
_WRITE_METHODS = {"post", "put", "patch", "delete"}


# Filters (django-filter) treat an empty value as "no filter": say so, or a client (and the fuzzer)
# reads `?status=` as invalid input the API wrongly accepts.
_NOT_FILTERS = {"page", "page_size", "cursor", "limit"}


def document_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry: add the error answers each operation can give
    (never replacing a response the view documented itself)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_SCHEMA_NAME] = ERROR_SCHEMA  # also over ErrorSerializer's: field maps are allowed
    ref = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for param in operation.get("parameters", []):
                if param.get("in") == "query" and param.get("name") not in _NOT_FILTERS:
                    param.setdefault("allowEmptyValue", True)
            codes = _ALWAYS + (_WRITES if method in _WRITE_METHODS else ())
            if any(
                p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])
            ):
                codes += ("422",)
            responses = operation["responses"]
            for code in codes:
                content = (
                    # gunicorn itself answers 414, before Django, with a small HTML page.
                    {"text/html": {"schema": {"type": "string"}}}
                    if code == "414"
                    else {"application/json": {"schema": ref}}
                )
                responses.setdefault(code, {"description": _DESCRIPTIONS[code], "content": content})
    return result
