"""Operators: adventures with their scene tree (read-only) and failed generations with retry."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.tests.factories import AccountFactory
from adventures.models import AdventureScene
from langlearn.jobs.models import Job, JobStatus

from .factories import SceneFactory, adventure_with_opening


@pytest.fixture
def admin(db) -> Client:
    client = Client()
    client.force_login(AccountFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_adventure_page_shows_the_scene_tree_read_only(admin, pair):
    adventure, opening = adventure_with_opening(pair=pair)
    SceneFactory(adventure=adventure, parent=opening, choice_id="b", choice_text="Llamar a la <policía>", depth=2)
    assert admin.get("/admin/adventures/adventure/").status_code == 200
    page = admin.get(f"/admin/adventures/adventure/{adventure.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "«Llamar a la &lt;policía&gt;»" in html  # escaped, nested under the opening
    assert "← current" in html
    assert 'name="_save"' not in html  # read-only
    assert admin.get("/admin/adventures/adventure/add/").status_code == 403
    scene_page = admin.get(f"/admin/adventures/adventurescene/{opening.pk}/change/")
    assert scene_page.status_code == 200
    assert "Oyes un ruido en la cocina." in scene_page.content.decode()


@pytest.mark.django_db
def test_failed_generations_are_listed_and_retried(admin, pair, user):
    adventure, opening = adventure_with_opening(pair=pair)
    job = Job.objects.create(
        user=user, kind="adventure_scene", status=JobStatus.FAILED, error="The text generator failed"
    )
    failed = SceneFactory(
        adventure=adventure, parent=opening, choice_id="a", depth=2, status="failed", error="boom", job=job
    )
    listing = admin.get("/admin/adventures/failedscenegeneration/")
    assert listing.status_code == 200
    assert str(failed.pk) in listing.content.decode()
    assert str(opening.pk) not in listing.content.decode()

    resp = admin.post(
        "/admin/adventures/failedscenegeneration/",
        {"action": "retry_generation", "_selected_action": [str(failed.pk)]},
        follow=True,
    )
    assert resp.status_code == 200
    assert "Retrying 1 scene generation(s)." in resp.content.decode()
    failed.refresh_from_db()
    job.refresh_from_db()
    assert failed.status == "generating"
    assert failed.error == ""
    assert job.status == JobStatus.QUEUED
    assert AdventureScene.objects.filter(status="failed").count() == 0
