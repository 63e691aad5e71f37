"""Django's PostgreSQL backend with a health check that costs no round trip, and prepared statements
for the queries compiled once per process (langlearn.compiled).

`CONN_HEALTH_CHECKS` makes Django call `is_usable()` before the first query of every request on a
persistent connection; the stock check sends `SELECT 1`, a round trip per request (a quarter of the
due queue's statements). Here the check looks at the connection's own state instead: libpq's status,
the transaction status, and whether the socket has anything to read. An idle connection has nothing
to read, so data (or EOF) there means the server is closing it (restart, `idle_session_timeout`,
`pg_terminate_backend`): the connection is dropped and the request reconnects, as with `SELECT 1`.
What it cannot see is a peer that vanished without a word (a cut cable): the first query then fails
as it would have a moment later anyway, and Django drops the connection after the error.

Prepared statements: Django binds parameters client-side by default, so PostgreSQL parses and plans
every statement anew — for the due queue's indexed reads, planning cost more than executing (0.9 ms
against 0.4 ms). `prepared_cursor()` gives the compiled queries, whose SQL never changes, a cursor
that binds server-side and prepares each statement on its first run on a connection (psycopg keeps
the last 100 per connection and deallocates older ones); every later run only executes. The rest of
the ORM keeps Django's client-side binding (server-side binding changes how some ORM SQL behaves,
e.g. a parameter repeated in GROUP BY). Prepared statements live in the server session, so they
need the same session from one request to the next: persistent connections (CONN_MAX_AGE) or
Django's pool, or PgBouncer in session mode or ≥ 1.21 with `max_prepared_statements`. Behind an
older PgBouncer in transaction mode, switch them off (DB_PREPARED_STATEMENTS=false)."""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorWrapper
from django.utils.asyncio import async_unsafe
from psycopg.pq import ConnStatus, TransactionStatus

_USABLE_TRANSACTION_STATES = (TransactionStatus.IDLE, TransactionStatus.INTRANS)
_NEVER = 2**62


class PreparingCursor(ServerBindingCursor):
    """Server-side binding, each statement prepared on its first execution (not after psycopg's
    `prepare_threshold` runs, which Django switches off for the whole connection)."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None):
        return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    def is_usable(self) -> bool:
        conn = self.connection
        if conn is None or conn.closed or conn.pgconn.status != ConnStatus.OK:
            return False
        if conn.info.transaction_status not in _USABLE_TRANSACTION_STATES:
            return False  # aborted (INERROR), mid-query or lost: not worth a try
        if not hasattr(select, "poll"):  # pragma: no cover - Windows: the stock round trip
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN)
            return not poller.poll(0)
        except (OSError, ValueError):
            return False

    @property
    def prepares_statements(self) -> bool:
        return self.settings_dict.get("PREPARED_STATEMENTS", True)

    @async_unsafe
    def prepared_cursor(self) -> CursorWrapper:
        """A cursor like `cursor()` (same health check, error wrapping and query logging) whose
        statements are prepared; a plain `cursor()` when PREPARED_STATEMENTS is off."""
        if not self.prepares_statements:
            return self.cursor()
        self.close_if_health_check_failed()
        self.ensure_connection()
        if self.connection.prepare_threshold is None:
            # Django turns psycopg's preparing off for the whole connection (None), which would
            # refuse our explicit prepare too. Client-side-binding cursors (Django's default) never
            # prepare whatever the threshold, so a threshold no count reaches lets only ours through.
            self.connection.prepare_threshold = _NEVER
        with self.wrap_database_errors:
            return self._prepare_cursor(PreparingCursor(self.connection))
