"""`column IN (...)` for long lists of values, written once.

Django renders `filter(key__in=values)` as `IN (%s, %s, ...)`: one parameter per value. For the
2,000 words of a text that costs PostgreSQL ~9 ms of planning and Django the binding, per query;
`key = ANY(%s)` sends one array parameter instead (bench/knowledge_statuses.py has the figures).
Other databases (SQLite for `make run`) keep IN.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import CharField, Lookup, Q, TextField


class AnyOf(Lookup):
    """`field__any_of=[...]`: `field = ANY(%s)` with the list as one PostgreSQL array."""

    lookup_name = "any_of"
    prepare_rhs = False  # the list goes to psycopg whole (it adapts it to an array)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]


CharField.register_lookup(AnyOf)
TextField.register_lookup(AnyOf)


def in_values(field: str, values: Iterable[str]) -> Q:
    """A `Q` matching rows whose `field` (a text column) is one of `values`."""
    values = list(values)
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": values})
    return Q(**{f"{field}__any_of": values})
