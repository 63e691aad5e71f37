"""What a request sends to the database, counted the way a real server sees it.

`CaptureQueriesContext` reads DEBUG's query log, which the request cycle resets (`request_started`
→ `reset_queries`) inside the capture: a request made through the test client can count 0. And it
never sees the `SELECT 1` of `CONN_HEALTH_CHECKS`, sent on the raw driver connection, which
django.test.Client also skips (it disconnects `close_old_connections` from the request signals that
a WSGI server fires). `Statements` counts at the execute-wrapper level instead, plus each
`is_usable()` round trip; `like_wsgi()` runs the connection housekeeping a WSGI server does before
and after each request, so benches pay what production pays.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import close_old_connections, connection


class Statements:
    def __init__(self) -> None:
        self.executed = 0
        self.health_checks = 0

    @property
    def total(self) -> int:
        return self.executed + self.health_checks

    def __str__(self) -> str:
        return f"{self.total} ({self.health_checks} health check)" if self.health_checks else str(self.total)


@contextmanager
def count_statements():
    """Count every statement sent on the default connection in the block (health checks too)."""
    stats = Statements()

    def wrapper(execute, sql, params, many, context):
        stats.executed += 1
        return execute(sql, params, many, context)

    original = connection.is_usable

    def is_usable():
        stats.health_checks += 1
        return original()

    connection.is_usable = is_usable
    try:
        with connection.execute_wrapper(wrapper):
            yield stats
    finally:
        del connection.is_usable


def like_wsgi(call):
    """Call `call()` (one test-client request) between the housekeeping a WSGI handler's
    request_started/request_finished signals do: with CONN_HEALTH_CHECKS, the next request's first
    query is preceded by a health check, as under gunicorn."""
    close_old_connections()
    try:
        return call()
    finally:
        close_old_connections()
