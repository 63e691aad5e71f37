"""Bad input at the edges: oversized bodies and uploads, wrong content types, deeply nested or
broken JSON, unknown fields, page sizes. Each answers a 4xx with the error contract, never a 500.
Also the regressions schemathesis found (page parameters, the JSON catch-all 404, the schema's
error responses)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from flashcards.models import Flashcard
from vocab.models import UserLanguagePair
from vocab.tests.factories import PairFactory, card_for

pytestmark = pytest.mark.django_db


def _error(response, *statuses: int) -> dict:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"], body
    assert body["detail"], body
    return body


def test_oversized_json_body_is_refused(auth_client, user):
    pair = PairFactory(user=user)
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    response = auth_client.post(
        "/api/vocab/entries", {"language_pair": str(pair.pk), "text": big, "translation": "t"}, format="json"
    )
    _error(response, 400, 413)


def test_oversized_upload_is_refused(auth_client, user):
    card = card_for(PairFactory(user=user))
    audio = b"RIFF" + b"\0" * (settings.AUDIO_UPLOAD_MAX_BYTES + 1024)
    response = auth_client.post(
        f"/api/flashcards/{card.pk}/pronunciation",
        {"audio": SimpleUploadedFile("a.wav", audio, content_type="audio/wav")},
        format="multipart",
    )
    _error(response, 400, 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
def test_wrong_content_type_is_415(auth_client, content_type):
    response = auth_client.generic(
        "POST", "/api/vocab/language-pairs", b"source_language=en&target_language=es", content_type=content_type
    )
    _error(response, 415)
    assert not UserLanguagePair.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeper than Python's recursion limit
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"source_language": "en", ',  # truncated
        b"\xff\xfe not utf-8",
        b"NaN",
    ],
    ids=["nested-arrays", "nested-objects", "truncated", "not-utf8", "nan"],
)
def test_malformed_or_deeply_nested_json_is_400(auth_client, body):
    response = auth_client.generic("POST", "/api/vocab/language-pairs", body, content_type="application/json")
    _error(response, 400)


def test_unknown_and_protected_fields_are_ignored_on_writes(auth_client, user, other_user):
    """Unknown fields are ignored (DRF's rule, applied everywhere); fields a learner must not set
    (owner, FSRS state) are ignored the same way, never applied."""
    response = auth_client.post(
        "/api/vocab/language-pairs",
        {"source_language": "en", "target_language": "de", "level": "A1", "user": str(other_user.pk), "x": 1},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert UserLanguagePair.objects.get(pk=response.json()["id"]).user == user

    card = card_for(PairFactory(user=user, target_language="fr"))
    response = auth_client.patch(
        f"/api/flashcards/{card.pk}",
        {"suspended": True, "stability": 999.0, "state": 2, "user": str(other_user.pk), "unknown": "x"},
        format="json",
    )
    assert response.status_code == 200, response.content
    card.refresh_from_db()
    assert card.suspended is True
    assert card.stability != 999.0
    assert card.user == user
    assert Flashcard.objects.filter(user=other_user).count() == 0


def test_page_size_is_capped_and_validated(auth_client, user):
    pair = PairFactory(user=user)
    for _ in range(3):
        card_for(pair)
    capped = auth_client.get("/api/vocab/entries?page_size=100000")
    assert capped.status_code == 200
    assert len(capped.json()["results"]) == 3
    for bad in ("abc", "0", "-1", "1.5", ""):
        _error(auth_client.get(f"/api/vocab/entries?page_size={bad}"), 400)
    _error(auth_client.get("/api/vocab/entries?page=1&page=2"), 400)
    _error(auth_client.get("/api/vocab/entries?page="), 400)
    _error(auth_client.get("/api/vocab/entries?page=999"), 404)
    _error(auth_client.get("/api/jobs/?page_size=x"), 400)  # cursor pagination too


def test_page_size_cap_applies(auth_client, user):
    pair = PairFactory(user=user)
    for _ in range(105):
        card_for(pair)
    response = auth_client.get("/api/vocab/entries?page_size=500")
    assert len(response.json()["results"]) == 100


def test_post_to_an_unknown_api_path_is_a_json_404(api_client):
    """Regression: the catch-all answered POSTs with Django's HTML CSRF page (schemathesis)."""
    response = api_client.post("/api/jobs/0.5/retry", {}, format="json")
    _error(response, 404)


def test_schema_documents_the_error_contract(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    assert "Error" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "404", "429"} <= set(operation["responses"]), (method, path)
    # filters are offered on lists only (they were on every action, which ignored them)
    assert "parameters" not in schema["paths"]["/api/adventures/genres"]["get"]
    detail = schema["paths"]["/api/flashcards/{id}"]["get"]
    assert "suspended" not in {p["name"] for p in detail.get("parameters", [])}


def test_json_types_are_strict(auth_client, user):
    """Regression (schemathesis): `{"suspended": 0}` and `{"example_translation": 0}` were coerced."""
    card = card_for(PairFactory(user=user))
    _error(auth_client.patch(f"/api/flashcards/{card.pk}", {"suspended": 0}, format="json"), 400)
    _error(auth_client.patch(f"/api/vocab/entries/{card.entry_id}", {"example_translation": 0}, format="json"), 400)
    assert auth_client.patch(f"/api/flashcards/{card.pk}", {"suspended": True}, format="json").status_code == 200
    assert auth_client.get("/api/flashcards?suspended=true").status_code == 200  # query strings are strings


def test_max_length_counts_the_text_as_sent(api_client):
    """Regression (schemathesis): DRF trimmed " " + 100 characters to 100 and accepted it."""
    body = {"email": "padded@example.com", "password": "a-long-enough-passphrase", "display_name": " " + "x" * 100}
    response = api_client.post("/api/auth/register", body, format="json")
    _error(response, 400)
    assert "display_name" in response.json()
    body["display_name"] = "  Ana  "
    assert api_client.post("/api/auth/register", body, format="json").json()["display_name"] == "Ana"
