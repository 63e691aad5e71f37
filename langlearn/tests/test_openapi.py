"""What a client developer reads at /api/docs: every operation tagged by area, summarised and
described, and the paging parameters typed with their limits."""

from __future__ import annotations

import pytest
from django.test import Client

from langlearn.openapi import OPERATIONS, TAGS

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema", {"format": "json"}, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    return [
        (path, method, op) for path, item in schema["paths"].items() for method, op in item.items() if method in METHODS
    ]


def test_every_operation_has_an_area_a_summary_and_a_description(schema):
    names = {tag["name"] for tag in schema["tags"]}
    bare = []
    for path, method, op in _operations(schema):
        if op.get("tags", [None])[0] not in names or not op.get("summary") or not op.get("description"):
            bare.append(f"{method.upper()} {path}")
    assert bare == []
    assert all(tag["description"] for tag in schema["tags"])
    assert [t["name"] for t in schema["tags"]] == [t["name"] for t in TAGS]


def test_the_table_names_only_operations_that_exist(schema):
    ids = {op["operationId"] for _, _, op in _operations(schema)}
    assert set(OPERATIONS) - ids == set()
    assert ids - set(OPERATIONS) == set()  # a new operation needs its summary in langlearn/openapi.py


def test_paging_parameters_state_their_limits_and_the_conventions_are_documented(schema):
    assert "## Pagination" in schema["info"]["description"]
    seen = {}
    for _, _, op in _operations(schema):
        for param in op.get("parameters", []):
            if param["in"] == "query" and param["name"] in {"page", "page_size", "limit"}:
                seen.setdefault(param["name"], []).append(param["schema"])
    assert seen["page_size"]
    assert seen["page"]
    assert seen["limit"]
    assert all(s.get("minimum") == 1 and s["type"] == "integer" for group in seen.values() for s in group)


def test_a_learner_area_and_the_editors_area_are_apart(schema):
    assert schema["paths"]["/api/packs"]["get"]["tags"] == ["packs"]
    assert schema["paths"]["/api/admin/packs"]["get"]["tags"] == ["packs (editors)"]
    assert schema["paths"]["/bff/home"]["get"]["tags"] == ["screens"]


@pytest.mark.django_db
def test_schema_errors_reports_an_answer_the_schema_does_not_describe():
    from langlearn.testing import schema_errors

    class Answer(dict):
        status_code = 200

        def __init__(self, body):
            super().__init__({"Content-Type": "application/json"})
            self.body = body

        def json(self):
            return self.body

    assert schema_errors(Answer({"id": 5}), path="/api/auth/me", method="get")  # wrong type, fields missing
    teapot = Answer({})
    teapot.status_code = 418
    assert schema_errors(teapot, path="/api/auth/me", method="get") == [
        "status 418 is not documented for GET /api/auth/me"
    ]


def test_the_idempotency_key_is_documented_on_the_operations_that_honour_it(schema):
    with_key = {
        (method, path)
        for path, method, operation in _operations(schema)
        if any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in operation.get("parameters", []))
    }
    creating_work = {("post", "/api/vocab/entries"), ("post", "/api/generation/articles"), ("post", "/api/adventures")}
    assert creating_work <= with_key
    assert {method for method, _ in with_key} == {"post"}
    assert ("get", "/api/vocab/entries") not in with_key
