"""The PostgreSQL backend's health check: no round trip, yet a connection the server closed is
noticed before the request uses it."""

import time

import pytest
from django.db import connection, connections

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
