"""The orjson renderer writes what DRF's JSONRenderer wrote (parsed, the same), and survives lone
surrogates, which DRF's could not encode."""

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from langlearn.renderers import JSONRenderer

DATA = {
    "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "utc": datetime(2026, 12, 3, 8, 30, 15, 123456, tzinfo=UTC),
    "madrid": datetime(2026, 12, 3, 8, 30, tzinfo=ZoneInfo("Europe/Madrid")),
    "day": date(2026, 12, 3),
    "at": time(8, 30, 1, 500),
    "took": timedelta(seconds=90),
    "price": Decimal("1.10"),
    "lazy": gettext_lazy("Language pair not found."),
    "text": "niño — 日本語 \u2028",
    "numbers": [0, -1, 2**40, 0.1, 1e-05, 123456.789],
    "nested": {"none": None, "yes": True, "list": [{"a": 1}], "tuple": (1, 2)},
}


def test_same_json_as_drfs_renderer():
    ours, drfs = JSONRenderer().render(DATA), DRFJSONRenderer().render(DATA)
    assert json.loads(ours) == json.loads(drfs)
    assert json.loads(ours)["utc"] == "2026-12-03T08:30:15.123456Z"  # DRF's "Z", not orjson's "+00:00"


def test_a_lone_surrogate_falls_back_to_escapes():
    body = JSONRenderer().render({"text": "bad \ud800 text"})
    assert body == b'{"text":"bad \\ud800 text"}'


def test_none_renders_nothing():
    assert JSONRenderer().render(None) == b""


def test_api_answers_through_it(auth_client):
    response = auth_client.get("/api/flashcards/stats")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, JSONRenderer)
    assert response["Content-Type"] == "application/json"
