"""Django's PostgreSQL backend with a health check that costs no round trip.

`CONN_HEALTH_CHECKS` makes Django call `is_usable()` before the first query of every request on a
persistent connection; the stock check sends `SELECT 1`, a round trip per request (a quarter of the
due queue's statements). Here the check looks at the connection's own state instead: libpq's status,
the transaction status, and whether the socket has anything to read. An idle connection has nothing
to read, so data (or EOF) there means the server is closing it (restart, `idle_session_timeout`,
`pg_terminate_backend`): the connection is dropped and the request reconnects, as with `SELECT 1`.
What it cannot see is a peer that vanished without a word (a cut cable): the first query then fails
as it would have a moment later anyway, and Django drops the connection after the error."""

from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg.pq import ConnStatus, TransactionStatus

_USABLE_TRANSACTION_STATES = (TransactionStatus.IDLE, TransactionStatus.INTRANS)


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
