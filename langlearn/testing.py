"""Helpers the test suites share (the fixtures live in the root conftest.py).

Importable from any app's tests: `from langlearn.testing import client_for, race, run_jobs`."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

RACE_TIMEOUT_SECONDS = 30
# The provider keys the `fake_providers` fixture sets (the real SDKs then talk to the loopback fake).
FAKE_KEYS = {
    "ANTHROPIC_API_KEY": "fake-anthropic-key",
    "GEMINI_API_KEY": "fake-gemini-key",
    "DEEPL_API_KEY": "fake-deepl-key:fx",
    "DEEPGRAM_API_KEY": "fake-deepgram-key",
}


def client_for(account) -> APIClient:
    """An API client authenticated as `account`, the way the mobile client is (a Bearer token)."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(account).access_token}")
    return client


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` at the same moment, each in its own thread with its own database connection, and
    return what each returned (or the exception it raised), in order. For tests of what happens when
    requests collide: needs `django_db(transaction=True)`, so each thread sees committed rows."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # handed back to the test, which decides what it expected
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT_SECONDS)
    return results


def run_jobs(broker, worker, *queues: str) -> None:
    """Drain the given queues (default: all declared) and wait for in-flight messages."""
    for queue in queues or tuple(broker.get_declared_queues()):
        broker.join(queue, fail_fast=True)
    worker.join()


# --- the served OpenAPI schema against real answers ---------------------------------------------


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable` in JSON Schema terms (what jsonschema understands)."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def schema_errors(response, *, path: str, method: str) -> list[str]:
    """Where `response` (a test client answer) disagrees with what /api/schema documents for
    `method path` and its status code: [] when it conforms."""
    import jsonschema
    from django.test import Client
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = Client().get("/api/schema", {"format": "json"}).json()
    operation = document["paths"][path][method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    if documented is None:
        return [f"status {response.status_code} is not documented for {method.upper()} {path}"]
    content_type = response["Content-Type"].split(";")[0]
    media = documented.get("content", {}).get(content_type)
    if media is None:
        return [f"{content_type} is not documented for {response.status_code}"]
    root = _as_json_schema(document)
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(root, default_specification=DRAFT202012))
    where = f"paths/{_pointer(path)}/{method.lower()}/responses/{response.status_code}"
    schema = {"$ref": f"urn:openapi#/{where}/content/{_pointer(content_type)}/schema"}
    validator = jsonschema.Draft202012Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(response.json())]


def _pointer(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")
