"""Issue 19: text no field can hold (NUL, lone surrogates) and crafted cursors answered 500.
Each is a 4xx JSON error now, whichever endpoint it reaches."""

from __future__ import annotations

import base64

import pytest
from django.conf import settings

from langlearn.renderers import JSONRenderer
from vocab.tests.factories import card_for

pytestmark = pytest.mark.django_db


def _send(client, method, url, text: str):
    body = text.encode("utf-8", "surrogatepass")
    return getattr(client, method)(url, data=body, content_type="application/json")


def _error(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    body = response.json()
    assert body["code"], body
    assert body["detail"], body
    return body


@pytest.mark.parametrize(
    ("method", "url", "text"),
    [
        ("patch", "/api/auth/me", '{"time_zone": "\\ud800"}'),
        ("patch", "/api/auth/me", '{"display_name": "a\\u0000b"}'),
        ("post", "/api/adventures", '{"genre": "\\udfff"}'),
        ("post", "/api/vocab/language-pairs", '{"\\ud800": "x"}'),  # a key too
        ("post", "/api/vocab/language-pairs", '{"source_language": ["x", {"y": "\\u0000"}]}'),
    ],
)
def test_nul_and_lone_surrogates_are_a_400(auth_client, method, url, text):
    body = _error(_send(auth_client, method, url, text), 400)
    assert body["code"] == "parse_error"
    assert "U+" in body["detail"]


NOON = "2026-12-01T10:00:00Z"


def test_sync_client_event_id_with_nul_or_surrogate_is_a_400(auth_client, pair):
    card = card_for(pair)
    for cid in ("a\\u0000b", "\\udfff"):
        event = f'{{"client_event_id": "{cid}", "card": "{card.pk}", "rating": "good", "reviewed_at": "{NOON}"}}'
        text = f'{{"events": [{event}]}}'
        _error(_send(auth_client, "post", "/api/flashcards/reviews/sync", text), 400)
    _error(_send(auth_client, "post", f"/api/flashcards/{card.pk}/reviews", '{"rating": "\\ud800"}'), 400)


def test_plain_non_ascii_text_still_passes(auth_client):
    response = _send(auth_client, "patch", "/api/auth/me", '{"display_name": "Zoë 学生 😀"}')
    assert response.status_code == 200, response.content
    assert response.json()["display_name"] == "Zoë 学生 😀"


def test_renderer_escapes_what_utf8_cannot_encode():
    rendered = JSONRenderer().render({"detail": "bad \ud800"})
    assert rendered == b'{"detail":"bad \\ud800"}'
    assert JSONRenderer().render({"detail": "é"}) == '{"detail":"é"}'.encode()  # UTF-8 stays the default


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize(
    "position",
    ["p=123", "p=2026-02-30T10:00:00Z", "r=1&p=xxx", "p=2026-01-01T25:00:00Z", "p=0000-01-01T00:00:00Z"],
)
def test_crafted_cursor_positions_are_refused_like_bad_encodings(auth_client, pair, position):
    card = card_for(pair)
    for url in ("/api/jobs", f"/api/flashcards/{card.pk}/events"):
        body = _error(auth_client.get(url, {"cursor": _cursor(position)}), 404)
        assert body["detail"] == "Invalid cursor"


def test_oversized_json_body_is_413(auth_client):
    big = '{"display_name": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    body = _error(_send(auth_client, "patch", "/api/auth/me", big), 413)
    assert body["code"] == "request_too_large"
