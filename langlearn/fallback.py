"""The last URL pattern: tolerate a trailing slash either way, else answer the JSON 404.

The client's routes have no trailing slash (`/api/packs`), but a collection mounted with `include()`
lives at `/api/packs/`. Django's APPEND_SLASH can't help (it redirects, and only one way, and a POST
cannot follow a redirect), so a request whose path matches a real route once a trailing slash is
added or removed is served by that route directly.
"""

from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

from langlearn.errors import json_not_found


@csrf_exempt  # the API's views are exempt (token auth); the target view applies its own policy
def fallback(request, *args, **kwargs):
    path = request.path_info
    alternative = path[:-1] if path.endswith("/") else f"{path}/"
    try:
        match = resolve(alternative)
    except Resolver404:
        return json_not_found(request)
    if match.func is fallback:
        return json_not_found(request)
    request.path_info = alternative
    request.resolver_match = match
    return match.func(request, *match.args, **match.kwargs)
