"""What every screen shares: GET only, authenticated, documented."""

import pytest

from adventures.tests.factories import adventure_with_opening
from articles.tests.factories import ArticleFactory
from langlearn.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def screens(pair) -> list[str]:
    article = ArticleFactory(pair=pair)
    adventure, _ = adventure_with_opening(pair=pair)
    return [
        "/bff/home",
        "/bff/review",
        f"/bff/articles/{article.pk}/reader",
        f"/bff/adventures/{adventure.pk}/play",
        "/bff/packs",
    ]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get_is_allowed(auth_client, screens, method):
    for screen in screens:
        response = getattr(auth_client, method)(screen, {}, format="json")
        assert response.status_code == 405, screen
        assert "GET" in response["Allow"]


def test_anonymous_is_401(api_client, screens):
    for screen in screens:
        assert api_client.get(screen).status_code == 401, screen


def test_every_screen_is_documented(api_client, user):
    schema = client_for(user).get("/api/schema/", {"format": "json"}).json()
    for path in [
        "/bff/home",
        "/bff/review",
        "/bff/articles/{article_id}/reader",
        "/bff/adventures/{adventure_id}/play",
        "/bff/packs",
    ]:
        operations = schema["paths"][path]
        assert set(operations) - {"parameters"} == {"get"}, path
        assert "$ref" in operations["get"]["responses"]["200"]["content"]["application/json"]["schema"], path
