"""An empty query parameter is refused unless it is text (langlearn.query.QuerySerializer)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/flashcards/due", "intervals"),
        ("/api/flashcards/", "suspended"),
        ("/api/flashcards/", "due_before"),
        ("/api/vocab/entries", "source"),
        ("/api/vocab/entries", "language_pair"),
        ("/api/packs/", "level"),
        ("/api/adventures/", "status"),
        ("/bff/home", "language_pair"),
    ],
)
def test_an_empty_typed_parameter_is_a_400_naming_it(auth_client, pair, url, param):
    query = {"language_pair": str(pair.pk), param: ""}
    response = auth_client.get(url, query)
    assert response.status_code == 400, response.json()
    assert response.json()[param] == ["Give a value, or leave the parameter out."]


def test_an_empty_text_parameter_is_fine(auth_client, pair):
    assert auth_client.get("/api/vocab/entries", {"search": ""}).status_code == 200
    assert auth_client.get("/api/packs/", {"search": "", "tag": ""}).status_code == 200
