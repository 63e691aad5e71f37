"""The few non-API pages: the landing page at `/`, `/favicon.ico`, and local media files.

Everything else outside `/admin/` answers JSON (langlearn.errors)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from langlearn.demo import DEMO_EDITOR, DEMO_LEARNER
from langlearn.errors import json_not_found

# A book with a speech mark: small enough to inline, so no static file has to be collected for it.
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#417690"/>'
    '<path d="M7 9h8a3 3 0 0 1 3 3v12a2 2 0 0 0-2-2H7z M25 9h-5a3 3 0 0 0-3 3v12a2 2 0 0 1 2-2h6z" fill="#f5dd5d"/>'
    "</svg>"
)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What this server is and where to go next; in development, the demo accounts to log in with."""
    demo_accounts = []
    if settings.DEBUG:
        present = set(
            get_user_model().objects.filter(email__in=[DEMO_LEARNER[0], DEMO_EDITOR[0]]).values_list("email", flat=True)
        )
        demo_accounts = [
            {"role": role, "email": email, "password": password, "admin": role == "editor"}
            for role, (email, password) in (("learner", DEMO_LEARNER), ("editor", DEMO_EDITOR))
            if email in present
        ]
    return render(request, "home.html", {"demo_accounts": demo_accounts, "debug": settings.DEBUG})


@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(FAVICON_SVG, content_type="image/svg+xml")


def media(request: HttpRequest, path: str) -> HttpResponse:
    """Local media files (development; S3 deployments hand out presigned URLs instead). A missing
    file is the API's JSON 404, not Django's HTML page: the clients asking are JSON clients."""
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except Http404:
        return json_not_found(request)
