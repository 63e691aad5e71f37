"""The pages outside the JSON API: the landing page, the favicon, and local media files."""

from __future__ import annotations

import pytest
from django.test import Client

from langlearn.demo import DEMO_EDITOR, DEMO_LEARNER

pytestmark = pytest.mark.django_db


def test_the_landing_page_links_the_docs_the_schema_and_the_admin():
    response = Client().get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    for link in ('href="/api/docs"', 'href="/api/schema"', 'href="/admin/"'):
        assert link in body


def test_in_development_the_landing_page_lists_the_demo_accounts_that_exist(settings, django_user_model):
    settings.DEBUG = True
    django_user_model.objects.create_user(email=DEMO_LEARNER[0], password=DEMO_LEARNER[1])
    body = Client().get("/").content.decode()
    assert DEMO_LEARNER[0] in body
    assert DEMO_LEARNER[1] in body
    assert DEMO_EDITOR[0] not in body  # not created, so not offered


def test_outside_development_no_password_is_shown(settings, django_user_model):
    settings.DEBUG = False
    django_user_model.objects.create_user(email=DEMO_LEARNER[0], password=DEMO_LEARNER[1])
    body = Client().get("/").content.decode()
    assert DEMO_LEARNER[1] not in body
    assert 'id="demo-accounts"' not in body


def test_the_landing_page_only_answers_reads():
    response = Client().post("/")
    assert response.status_code == 405


def test_favicon_is_an_image():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_a_missing_media_file_is_the_json_404(settings):
    response = Client().get("/media/audio/nope.wav")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_media_file_is_served(settings):
    (settings.MEDIA_ROOT / "audio").mkdir(parents=True)
    (settings.MEDIA_ROOT / "audio" / "x.wav").write_bytes(b"RIFF1234")
    response = Client().get("/media/audio/x.wav")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"RIFF1234"


def test_the_admin_pages_carry_the_favicon(admin_client):
    body = admin_client.get("/admin/").content.decode()
    assert 'rel="icon" href="/favicon.ico"' in body
