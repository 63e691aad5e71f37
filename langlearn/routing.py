"""How every app declares its routes: `route("api/vocab/entries/<uuid:pk>", EntryViewSet, {...}, name=...)`.

One idiom for the whole API. Each app's `urls.py` is a flat list of `route()` calls carrying the app's
full prefix (the root URLconf only `include()`s them), so a route is found by grepping its URL.

- `path()` syntax, and the route also answers with one trailing slash: the client's routes have
  none (`/api/packs`), clients built on Django/DRF habits send one, and a redirect is no answer to a
  POST. Reversing gives the canonical form without the slash; the schema lists each route once.
- An `APIView` is given as its class; a viewset as its class and the action map for that URL, the
  way DRF's routers bind it (an `@action`'s own options, e.g. its pagination or parsers, included).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.urls import URLPattern
from django.urls.resolvers import RoutePattern

_COLLECTION_ACTIONS = frozenset({"list", "create"})


class _OptionalSlashPattern(RoutePattern):
    def match(self, path: str):
        found = super().match(path)
        if found is None and path.endswith("/"):
            found = super().match(path[:-1])
        return found


def _viewset_initkwargs(viewset: Any, actions: Mapping[str, str]) -> dict[str, Any]:
    """What DRF's router passes to `as_view()`: whether the route names one object, and an
    `@action`'s extra options (pagination_class, parser_classes, ...)."""
    initkwargs: dict[str, Any] = {"detail": not set(actions.values()) <= _COLLECTION_ACTIONS}
    for name in actions.values():
        method = getattr(viewset, name)
        if hasattr(method, "mapping"):  # an @action
            initkwargs["detail"] = method.detail
            initkwargs.update(method.kwargs)
    return initkwargs


def route(pattern: str, view: Any, actions: Mapping[str, str] | None = None, *, name: str) -> URLPattern:
    callback: Callable
    if actions is not None:
        callback = view.as_view(dict(actions), **_viewset_initkwargs(view, actions))
    elif hasattr(view, "as_view"):
        callback = view.as_view()
    else:
        callback = view
    return URLPattern(_OptionalSlashPattern(pattern, name=name, is_endpoint=True), callback, name=name)
