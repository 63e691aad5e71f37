"""The word-statuses list over HTTP: marks and the word bank's derived statuses in one list, filters,
keyset pages in both directions, a constant number of queries, nobody else's words."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.services import word_statuses_set
from vocab.tests.factories import entry_with_cards

from .test_hooks import set_cards

STATUSES = "/api/vocab/word-statuses"


def words_of(body) -> list[tuple[str, str, str]]:
    return [(r["word"], r["status"], r["source"]) for r in body["results"]]


def every_page(client, params: dict, *, page_size: int) -> tuple[list[dict], list[int]]:
    """Follow `next` to the end; returns the rows and the queries each page took."""
    rows, queries = [], []
    url, query = STATUSES, {**params, "page_size": page_size}
    while url:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, query)
        assert response.status_code == 200, response.json()
        queries.append(len(ctx))
        body = response.json()
        rows += body["results"]
        url, query = body["next"], None
    return rows, queries


@pytest.mark.django_db
def test_marks_and_word_bank_words_in_one_list_with_their_sources(auth_client, other_client, pair, other_pair):
    _, mature = entry_with_cards(pair, text="casa")
    set_cards(mature, stability=40.0)  # every card mature: known by its cards
    entry_with_cards(pair, text="perro")  # new cards: learning
    entry_with_cards(pair, text="gato")  # in the word bank, but marked ignored: the mark wins
    word_statuses_set(pair=pair, words=[("gato", "ignored"), ("tener", "known")])
    entry_with_cards(other_pair, text="zorro")
    word_statuses_set(pair=other_pair, words=[("árbol", "known")])

    body = auth_client.get(STATUSES).json()
    assert words_of(body) == [
        ("casa", "known", "word_bank"),
        ("gato", "ignored", "reader"),
        ("perro", "learning", "word_bank"),
        ("tener", "known", "reader"),
    ]
    assert body["next"] is None
    assert body["previous"] is None
    casa = body["results"][0]
    assert (casa["cards"], casa["mature_cards"], casa["language_pair"]) == (2, 2, str(pair.pk))
    assert (body["results"][3]["cards"], body["results"][3]["mature_cards"]) == (None, None)

    def only(**params):
        return words_of(auth_client.get(STATUSES, params).json())

    assert only(status="known") == [("casa", "known", "word_bank"), ("tener", "known", "reader")]
    assert only(source="word_bank") == [("casa", "known", "word_bank"), ("perro", "learning", "word_bank")]
    assert only(source="reader", status="known") == [("tener", "known", "reader")]
    assert only(status="ignored", source="word_bank") == []
    assert only(search=" PE") == [("perro", "learning", "word_bank")]
    assert only(language_pair=str(other_pair.pk)) == []
    # (Where "árbol" sorts is the database's collation.)
    assert sorted(words_of(other_client.get(STATUSES).json())) == [
        ("zorro", "learning", "word_bank"),
        ("árbol", "known", "reader"),
    ]


@pytest.mark.django_db
def test_keyset_pages_cover_the_list_once_in_a_constant_number_of_queries(auth_client, pair):
    for i in range(7):
        entry_with_cards(pair, text=f"bank{i}")
    word_statuses_set(pair=pair, words=[(f"mark{i}", "known") for i in range(8)])
    # Three word-bank words marked ignored: listed once, as marks.
    word_statuses_set(pair=pair, words=[(f"bank{i}", "ignored") for i in (1, 2, 3)])

    rows, queries = every_page(auth_client, {"language_pair": str(pair.pk)}, page_size=3)
    words = [r["word"] for r in rows]
    assert words == sorted(words)
    assert len(words) == len(set(words)) == 15
    assert {r["word"]: r["source"] for r in rows}["bank2"] == "reader"

    # Filtered so that the marked word-bank rows are skipped: no word is lost between pages.
    learning, _ = every_page(auth_client, {"status": "learning"}, page_size=2)
    assert [r["word"] for r in learning] == ["bank0", "bank4", "bank5", "bank6"]
    assert len(queries) >= 5
    assert len(set(queries)) == 1  # every page the same: the user, then one query
    _, one_page = every_page(auth_client, {}, page_size=100)
    assert one_page == queries[:1]

    # Backwards from the last page.
    last = auth_client.get(STATUSES, {"page_size": 4}).json()
    while last["next"]:
        last = auth_client.get(last["next"]).json()
    previous = auth_client.get(last["previous"]).json()
    assert [r["word"] for r in previous["results"]] == words[-7:-3]
    assert previous["next"] is not None


@pytest.mark.django_db
def test_bad_list_parameters_answer_4xx(auth_client):
    assert auth_client.get(STATUSES, {"status": "mastered"}).status_code == 400
    assert auth_client.get(STATUSES, {"source": "elsewhere"}).status_code == 400
    assert auth_client.get(STATUSES, {"page_size": "0"}).status_code == 400
    assert auth_client.get(STATUSES, {"language_pair": "nope"}).status_code == 400
    bad_cursor = auth_client.get(STATUSES, {"cursor": "not-a-cursor"})
    assert (bad_cursor.status_code, bad_cursor.json()["code"]) == (404, "invalid_cursor")
    empty_cursor = auth_client.get(f"{STATUSES}?cursor=")  # not the first page: a cursor comes from a link
    assert empty_cursor.status_code in (400, 404), empty_cursor.json()
