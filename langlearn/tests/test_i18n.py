"""Error messages and the admin follow Accept-Language (English, Spanish, French, German); the
`code` a client branches on never changes."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "detail"),
    [("en", "Not found."), ("es", "No encontrado."), ("fr", "Introuvable."), ("de", "Nicht gefunden.")],
)
def test_the_json_404_speaks_the_asked_language(language, detail):
    body = Client().get("/api/no-such-thing", HTTP_ACCEPT_LANGUAGE=language).json()
    assert body == {"detail": detail, "code": "not_found"}


def test_drf_messages_come_translated_with_the_same_code():
    english = Client().get("/api/auth/me", HTTP_ACCEPT_LANGUAGE="en").json()
    spanish = Client().get("/api/auth/me", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9").json()
    assert english["code"] == spanish["code"] == "not_authenticated"
    assert english["detail"] != spanish["detail"]
    assert "autenticación" in spanish["detail"]


def test_our_own_validation_messages_are_translated(auth_client, pair):
    response = auth_client.patch(
        f"/api/vocab/language-pairs/{pair.pk}", {"target_language": "fr", "x": 1}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400
    assert response.json()["target_language"] == ["Ce champ ne peut pas être modifié."]
    assert response.json()["x"] == ["Champ inconnu."]
    german = auth_client.get("/api/vocab/entries", {"page_size": "0"}, HTTP_ACCEPT_LANGUAGE="de").json()
    assert german["page_size"] == ["Erwartet wird eine ganze Zahl von mindestens 1."]


def test_an_unknown_language_falls_back_to_english():
    assert Client().get("/api/nothing", HTTP_ACCEPT_LANGUAGE="ja").json()["detail"] == "Not found."


def test_the_admin_follows_the_browser_language():
    page = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Anmelden" in page
