"""Every route of the URL resolver, with what the access-control matrix needs to call it: a
reversible name, its URL kwargs, the HTTP methods its view answers and the model its id names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Model
from django.urls import URLPattern, URLResolver, get_resolver

SAFE_ORDER = ["get", "head", "post", "put", "patch", "delete"]  # destructive methods last


@dataclass(frozen=True)
class Route:
    path: str  # the pattern as text, e.g. "api/flashcards/<uuid:pk>/reviews"
    name: str | None  # namespaced, for reverse()
    kwargs: tuple[str, ...]
    methods: tuple[str, ...]
    view: Any  # the view class (DRF) or function

    @property
    def model(self) -> type[Model] | None:
        queryset = getattr(self.view, "queryset", None)
        return getattr(queryset, "model", None)

    def __str__(self) -> str:
        return f"{'/'.join(self.methods).upper()} /{self.path}"


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route: the mapped methods the viewset allows
        allowed = getattr(getattr(callback, "cls", None), "http_method_names", actions)
        found = {m for m in actions if m in allowed}
    else:
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view is None:
            return ("get",)  # a plain function view
        found = {m for m in view.http_method_names if m not in ("options", "head", "trace") and hasattr(view, m)}
    return tuple(m for m in SAFE_ORDER if m in found)


def all_routes(patterns=None, prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += all_routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            view = getattr(callback, "cls", None) or getattr(callback, "view_class", None) or callback
            full_regex = prefix + str(entry.pattern)
            kwargs = _kwarg_names(full_regex)
            routes.append(
                Route(
                    path=full_regex,
                    name=f"{namespace}{entry.name}" if entry.name else None,
                    kwargs=kwargs,
                    methods=_methods(callback),
                    view=view,
                )
            )
    return routes


def _kwarg_names(text: str) -> tuple[str, ...]:
    """Route text mixes path() converters (`<uuid:pk>`) and regex groups (`(?P<pk>...)`)."""
    return tuple(re.findall(r"\(\?P<(\w+)>", text) + re.findall(r"(?<!\?P)<(?:\w+:)?(\w+)>", text))
