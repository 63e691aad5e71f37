"""The access-control matrix, generated from the URL resolver (not a hand-written list of routes).

For every route:
- under `/api/admin/`: anonymous → 401, learner → 403, on every method;
- under `/admin/` (Django's HTML admin): anonymous and learner are redirected to the admin login
  (Django admin's own behaviour, kept on purpose: it is the editors' login flow; a non-staff
  session is treated as not logged in) and never get a page; the editor does;
- any other `/api/...` or `/bff/...` route: anonymous → 401 on every method, unless it is one of
  the few PUBLIC routes below (each with its reason);
- a route with an object id: learner B gets 404 for learner A's object on every method, while A
  gets 200 on GET (so the 404 is about ownership, not a wrong id).

Ids are filled through a registry from the view's model (or kwarg) to the object of A's world;
a new route whose model or kwarg is not in the registry fails the test until someone says what
it is, so nothing new goes unprobed.
"""

from __future__ import annotations

import uuid

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.views.static import serve

from accounts.tests.factories import AccountFactory
from adventures.models import Adventure
from articles.models import TranslatedArticle
from flashcards.models import Flashcard
from knowledge.models import PlacementTest
from langlearn.errors import json_not_found
from langlearn.jobs.models import Job
from langlearn.testing import client_for
from packs.models import WordBankPack, WordBankPackEntry
from packs.views import PackAddToWordBankView, PackDetailView
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from .routes import Route, all_routes
from .world import World, build_world

# Model of the view's object → the attribute of A's world holding A's one of it.
OWNED = {
    UserLanguagePair: "pair",
    LearnableWordBankEntry: "entry",
    Flashcard: "card",
    TranslatedArticle: "article",
    Job: "job",
    Adventure: "adventure",
    PlacementTest: "placement",
}
# Objects every learner may read: the ownership rule does not apply (say why).
SHARED = {WordBankPack: "published packs are the shared catalogue"}
# Staff-only objects (`/api/admin/...`): the pk of their routes is always the pack's.
STAFF_ONLY = {WordBankPack: "pack editing", WordBankPackEntry: "pack entries, under their pack"}
# Views that do not declare a queryset: their model, said here.
VIEW_MODELS = {PackDetailView: WordBankPack, PackAddToWordBankView: WordBankPack}
# URL kwargs other than the view's own `pk` → the attribute of A's world (learner-owned objects).
EXTRA_KWARGS = {"scene_id": "scene", "article_id": "article", "adventure_id": "adventure", "job_id": "anki_export"}
# Open to anonymous callers on purpose.
PUBLIC = {
    "accounts:register": "signing up",
    "accounts:login": "logging in",
    "accounts:refresh": "refreshing a token (the refresh token is the credential)",
    "accounts:logout": "logging out (the refresh token is the credential)",
    "accounts:password-reset": "asking for a reset link (no login: the password is forgotten)",
    "accounts:password-reset-confirm": "setting a new password (the emailed token is the credential)",
    "schema": "the public API description",
    "swagger-ui": "the public API documentation",
    "healthz": "the load balancer's liveness probe",
    "readyz": "the load balancer's readiness probe",
}
ADMIN_AUTH_PAGES = {"admin:login": "the editors' login form", "admin:logout": "POST-only logout"}

ROUTES = all_routes()


def _is_catch_all(route: Route) -> bool:
    return route.view in (json_not_found, serve)


def _api_routes() -> list[Route]:
    return [r for r in ROUTES if r.path.startswith(("api/", "bff/")) and not _is_catch_all(r)]


def _model(route: Route):
    return VIEW_MODELS.get(route.view) or route.model


def _kwargs_for(route: Route, world: World) -> dict[str, str]:
    kwargs = {}
    for name in route.kwargs:
        if name == "pk":
            model = _model(route)
            if model in OWNED:
                kwargs[name] = str(getattr(world, OWNED[model]).pk)
            elif model in SHARED or model in STAFF_ONLY:
                kwargs[name] = str(world.pack.pk)
            else:
                raise LookupError(f"{route}: the view's model {model} is not in OWNED/SHARED/STAFF_ONLY/VIEW_MODELS")
        elif name == "entry_pk":
            kwargs[name] = str(world.pack_entry.pk)
        elif name in EXTRA_KWARGS:
            kwargs[name] = str(getattr(world, EXTRA_KWARGS[name]).pk)
        else:
            raise LookupError(f"{route}: URL kwarg {name!r} is not in EXTRA_KWARGS")
    return kwargs


def _url(route: Route, world: World) -> str:
    assert route.name, f"{route}: give the route a name so it can be reversed"
    return reverse(route.name, kwargs=_kwargs_for(route, world))


def _call(client, method: str, url: str):
    if method in ("post", "put", "patch"):
        return getattr(client, method)(url, {}, format="json")
    return getattr(client, method)(url)


@pytest.fixture
def world_a(db) -> World:
    return build_world(AccountFactory())


@pytest.fixture
def learner_b(db):
    return client_for(AccountFactory())


def test_every_route_is_classified(world_a):
    """The registry knows every route: an unmapped model or kwarg fails here first."""
    unknown = []
    for route in _api_routes():
        if not route.name:
            unknown.append(f"{route}: no name")
            continue
        try:
            _kwargs_for(route, world_a)
        except LookupError as exc:
            unknown.append(str(exc))
    assert not unknown, "\n".join(unknown)
    assert len(_api_routes()) >= 40  # the resolver really was walked


def test_anonymous_gets_401_on_every_private_api_route(api_client, world_a):
    checked, wrong = 0, []
    for route in _api_routes():
        if route.name in PUBLIC:
            continue
        url = _url(route, world_a)
        for method in route.methods:
            response = _call(api_client, method, url)
            checked += 1
            if response.status_code != 401:
                wrong.append(f"{method.upper()} {url} → {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert checked >= 60


def test_staff_api_refuses_learners_and_anonymous(api_client, auth_client, world_a):
    routes = [r for r in _api_routes() if r.path.startswith("api/admin/")]
    assert routes
    wrong = []
    for route in routes:
        url = _url(route, world_a)
        for method in route.methods:
            for client, expected in ((api_client, 401), (auth_client, 403)):
                status = _call(client, method, url).status_code
                if status != expected:
                    wrong.append(f"{method.upper()} {url} → {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_another_learners_objects_answer_404_on_every_method(world_a, learner_b):
    owner = client_for(world_a.user)
    probed, wrong = 0, []
    for route in _api_routes():
        if not route.kwargs or route.path.startswith("api/admin/") or _model(route) in SHARED:
            continue
        url = _url(route, world_a)
        if "get" in route.methods:
            status = owner.get(url).status_code
            assert status == 200, f"the owner cannot GET {url} ({status}): the matrix would prove nothing"
        for method in route.methods:
            status = _call(learner_b, method, url).status_code
            probed += 1
            if status != 404:
                wrong.append(f"{method.upper()} {url} → {status}")
    assert not wrong, "learner B reached learner A's objects:\n" + "\n".join(wrong)
    assert probed >= 20


def _admin_urls(world: World) -> list[str]:
    urls = []
    for route in all_routes(admin.site.urls[0], "admin/", "admin:"):
        if route.name in ADMIN_AUTH_PAGES or route.name is None:
            continue
        candidates = [str(uuid.uuid4()), "1", "accounts"]
        for value in candidates:
            try:
                urls.append(reverse(route.name, kwargs=dict.fromkeys(route.kwargs, value)))
                break
            except NoReverseMatch:
                continue
        else:
            pytest.fail(f"cannot build a URL for admin route {route}")
    return urls


def test_django_admin_is_for_staff_only(client, world_a, editor):
    urls = _admin_urls(world_a)
    assert len(urls) >= 20
    learner = AccountFactory()
    wrong = []
    for who in ("anonymous", "learner"):
        if who == "learner":
            client.force_login(learner)
        for url in urls:
            response = client.get(url)
            if response.status_code != 302 or not response["Location"].startswith(reverse("admin:login")):
                wrong.append(f"{who} GET {url} → {response.status_code}")
    assert not wrong, "\n".join(wrong)
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200  # the editors' way in still works
