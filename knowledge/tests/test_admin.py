from __future__ import annotations

import pytest

from knowledge.models import PlacementTest, WordStatusMark
from knowledge.services import word_statuses_set

from .test_api import run_placement


@pytest.fixture
def staff_client(client, editor):
    editor.is_superuser = True
    editor.save()
    client.force_login(editor)
    return client


@pytest.mark.django_db(transaction=True)
def test_staff_see_statuses_read_only_and_can_undo_a_placement(staff_client, auth_client, pair, broker, worker):
    word_statuses_set(pair=pair, words=[("gato", "known")])
    result = run_placement(auth_client, pair, knows_up_to=1000, broker=broker, worker=worker)
    assert result["state"] == "applied"
    mark = WordStatusMark.objects.get(pair=pair, key="gato")

    listing = staff_client.get("/admin/knowledge/wordstatusmark/?q=gato")
    assert listing.status_code == 200
    assert b"gato" in listing.content
    assert staff_client.get("/admin/knowledge/wordstatusevent/").status_code == 200
    assert staff_client.get("/admin/knowledge/wordstatusmark/add/").status_code == 403
    detail = staff_client.post(f"/admin/knowledge/wordstatusmark/{mark.pk}/change/", {"status": "ignored"})
    assert detail.status_code == 403
    assert staff_client.get("/admin/knowledge/placementtest/").status_code == 200

    response = staff_client.post(
        "/admin/knowledge/placementtest/", {"action": "undo_marks", "_selected_action": [result["id"]]}
    )
    assert response.status_code == 302
    assert PlacementTest.objects.get(pk=result["id"]).state == "undone"
    assert list(WordStatusMark.objects.filter(pair=pair).values_list("key", flat=True)) == ["gato"]
