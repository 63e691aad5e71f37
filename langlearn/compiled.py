"""Querysets compiled to SQL once, run many times with new values.

Building and compiling a queryset costs more CPU than the database spends on a hot, indexed read:
for the due queue it was a third of the request (filters, Q objects, clones, `as_sql()` for three
statements). A `CompiledQuery` builds its queryset once with placeholder values, keeps the SQL the
ORM wrote, and on each call binds the real values in the placeholders' positions, so the SQL stays
the ORM's own (same joins, same quoting, the same on every backend) with none of the per-request
construction. Values that change the SQL's shape (LIMITs are written into it, `IN` lists grow) must
be part of the cache key (its `shape`), not placeholders: `compiled_query()` caches one per shape.

    def _pair_levels(p: Placeholders) -> QuerySet:
        return UserLanguagePair.objects.filter(user_id=p.user, pk=p.pair).values_list("id", "level")

    rows = compiled_query(_pair_levels).rows(user=user.pk, pair=pair_id)
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_counter = itertools.count(1)


class Placeholders:
    """Hands the query builder a unique stand-in value per name: `p.user` is a UUID no real row has,
    `p.at("now")` a datetime, `p.number("n")` an int; the compiled query finds them among its
    parameters afterwards."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def __getattr__(self, name: str) -> uuid.UUID:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._remember(name, uuid.uuid4())

    def at(self, name: str) -> datetime:
        # Microseconds from a counter: no two placeholders (nor a likely real value) coincide.
        when = datetime(1901, 1, 1, tzinfo=UTC) + timedelta(microseconds=next(_counter) * 7919 + 13)
        return self._remember(name, when)

    def number(self, name: str) -> int:
        return self._remember(name, -(10**12) - next(_counter))

    def _remember(self, name: str, value: Any) -> Any:
        if name in self.values:
            return self.values[name]
        self.values[name] = value
        return value


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], *shape: Hashable, using: str = DEFAULT_DB_ALIAS) -> None:
        placeholders = Placeholders()
        queryset = build(placeholders, *shape)
        self.using = using
        compiler = queryset.query.get_compiler(using=using)
        self.sql, params = compiler.as_sql()
        # What the ORM would do to each row (SQLite's UUID and datetime strings; none on PostgreSQL).
        self._compiler = compiler
        self._converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
        by_value = {value: name for name, value in placeholders.values.items()}
        # Each parameter is either a placeholder (bound per call) or a constant the ORM computed.
        self._params: list[tuple[str | None, Any]] = [
            (by_value[p], None) if _hashable(p) and p in by_value else (None, p) for p in params
        ]

    def params(self, values: dict[str, Any]) -> list[Any]:
        return [values[name] if name is not None else constant for name, constant in self._params]

    def rows(self, **values: Any) -> list[tuple]:
        connection = connections[self.using]
        # Prepared where the backend offers it (langlearn.postgresql): the SQL is fixed, so it is
        # parsed and planned once per connection instead of on every request.
        prepared = getattr(connection, "prepared_cursor", None)
        with prepared() if prepared else connection.cursor() as cursor:
            cursor.execute(self.sql, self.params(values))
            rows = cursor.fetchall()
        if self._converters:
            rows = [tuple(row) for row in self._compiler.apply_converters(rows, self._converters)]
        return rows


def _hashable(value: Any) -> bool:
    return isinstance(value, Hashable) and not isinstance(value, (bool, float))


@lru_cache(maxsize=1024)
def compiled_query(build: Callable[..., QuerySet], *shape: Hashable) -> CompiledQuery:
    """`build(placeholders, *shape)` compiled, once per builder and shape (the values that change
    the SQL itself: a LIMIT, a switched-on filter). `build` must be a module-level function: it is
    part of the cache key."""
    return CompiledQuery(build, *shape)
