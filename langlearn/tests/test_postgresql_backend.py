"""The PostgreSQL backend's health check: no round trip, yet a connection the server closed is
noticed before the request uses it."""

import time
import uuid

import pytest
from django.db import connection, connections

from langlearn.compiled import compiled_query
from vocab.models import UserLanguagePair

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_connection():
    conn = connections.create_connection("default")
    conn.ensure_connection()
    yield conn
    conn.close()


def test_backend_is_ours():
    assert connection.vendor == "postgresql"
    assert type(connections["default"]).__module__ == "langlearn.postgresql.base"


def test_a_healthy_idle_connection_is_usable_without_a_query(own_connection):
    sent = []
    with own_connection.execute_wrapper(lambda execute, *args: sent.append(args) or execute(*args)):
        assert own_connection.is_usable()
    assert sent == []


def test_a_connection_the_server_closed_is_not_usable_and_the_next_request_reconnects(own_connection):
    pid = own_connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while own_connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not own_connection.is_usable()
    own_connection.health_check_enabled, own_connection.health_check_done = True, False
    own_connection.close_if_health_check_failed()  # what Django does before a request's first query
    with own_connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert own_connection.connection.info.backend_pid != pid


def test_an_aborted_transaction_is_not_usable(own_connection):
    own_connection.connection.autocommit = False
    with own_connection.connection.cursor() as cursor, pytest.raises(Exception):  # noqa: B017, PT011
        cursor.execute("SELECT 1/0")  # any error aborts the transaction
    assert not own_connection.is_usable()
    own_connection.connection.rollback()
    assert own_connection.is_usable()


# --- prepared statements for the compiled queries ------------------------------------------------


def _levels(p):
    return UserLanguagePair.objects.filter(user_id=p.user, pk=p.pair).values_list("id", "level")


def _prepared(conn) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_compiled_query_is_prepared_once_and_reused(pair, django_assert_num_queries):
    query = compiled_query(_levels)
    with django_assert_num_queries(2):  # still logged and counted like any ORM query
        first = query.rows(user=pair.user_id, pair=pair.pk)
        again = query.rows(user=pair.user_id, pair=pair.pk)
    assert first == again == [(pair.pk, pair.level)]
    assert query.rows(user=pair.user_id, pair=uuid.uuid4()) == []
    statements = [s for s in _prepared(connection) if "vocab_userlanguagepair" in s]
    assert len(statements) == 1  # prepared on the first run, only executed after
    assert "$1" in statements[0]  # bound server-side


def test_the_orm_keeps_client_side_binding(pair):
    assert UserLanguagePair.objects.filter(pk=pair.pk).count() == 1
    assert not [s for s in _prepared(connection) if "COUNT(" in s]


def test_prepared_statements_can_be_switched_off(pair, own_connection):
    """DB_PREPARED_STATEMENTS=false (PgBouncer < 1.21 in transaction mode): a plain cursor."""
    own_connection.settings_dict = {**own_connection.settings_dict, "PREPARED_STATEMENTS": False}  # not shared
    with own_connection.prepared_cursor() as cursor:
        cursor.execute("SELECT level FROM vocab_userlanguagepair WHERE id = %s", [pair.pk])
    assert _prepared(own_connection) == []


def test_the_due_queue_answers_the_same_from_prepared_statements(auth_client, pair):
    """Three requests on one connection: the first prepares, the others execute the prepared plan."""
    answers = [auth_client.get("/api/flashcards/due", {"language_pair": str(pair.pk)}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json() == answers[2].json()
    assert any("flashcards_flashcard" in s for s in _prepared(connection))
