"""Staff API /api/admin/packs: permissions, CRUD, publish, import."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import EditorFactory
from langlearn.testing import client_for
from packs.models import WordBankPack, WordBankPackEntry

from .factories import PackFactory, make_entries

pytestmark = pytest.mark.django_db

BASE = "/api/admin/packs/"


def routes(pack, entry):
    return [
        ("get", BASE, None),
        ("post", BASE, {"title": "X", "slug": "x", "source_language": "en", "target_language": "es"}),
        ("get", f"{BASE}{pack.id}", None),
        ("patch", f"{BASE}{pack.id}", {"title": "Y"}),
        ("post", f"{BASE}{pack.id}/publish", None),
        ("post", f"{BASE}{pack.id}/unpublish", None),
        ("get", f"{BASE}{pack.id}/entries", None),
        ("post", f"{BASE}{pack.id}/entries", {"text": "nuevo"}),
        ("patch", f"{BASE}{pack.id}/entries/{entry.id}", {"translation": "z"}),
        ("get", f"{BASE}{pack.id}/export", None),
        ("delete", f"{BASE}{pack.id}/entries/{entry.id}", None),
        ("delete", f"{BASE}{pack.id}", None),
    ]


def test_permission_matrix(api_client, auth_client, pack_editor_client):
    pack = PackFactory()
    entry = make_entries(pack, 1)[0]
    staff_without_perms = client_for(EditorFactory())
    for method, url, body in routes(pack, entry):
        assert getattr(api_client, method)(url, body, format="json").status_code == 401, url
        assert getattr(auth_client, method)(url, body, format="json").status_code == 403, url
        assert getattr(staff_without_perms, method)(url, body, format="json").status_code == 403, url
    assert WordBankPack.objects.filter(title=pack.title).exists()
    expected = [200, 201, 200, 200, 200, 200, 200, 201, 200, 200, 204, 204]
    got = [getattr(pack_editor_client, m)(u, b, format="json").status_code for m, u, b in routes(pack, entry)]
    assert got == expected
    assert not WordBankPack.objects.filter(id=pack.id).exists()
    upload = SimpleUploadedFile("x.csv", b"text\nhola\n")
    assert api_client.post(f"{BASE}import", {"file": upload}, format="multipart").status_code == 401
    assert auth_client.post(f"{BASE}import", {"file": upload}, format="multipart").status_code == 403


def test_crud_and_publish(pack_editor_client, pack_editor):
    response = pack_editor_client.post(
        BASE,
        {"title": "Food", "slug": "food", "source_language": "en", "target_language": "it", "tags": ["Food", " x "]},
        format="json",
    )
    assert response.status_code == 201, response.data
    pack = WordBankPack.objects.get(slug="food")
    assert (pack.tags, pack.created_by, pack.published) == (["food", "x"], pack_editor, False)
    entries = f"{BASE}{pack.id}/entries"
    assert (
        pack_editor_client.post(entries, {"text": "la mela", "translation": "apple"}, format="json").status_code == 201
    )
    duplicate = pack_editor_client.post(entries, {"text": " La  Mela "}, format="json")
    assert duplicate.status_code == 400
    assert "text" in duplicate.json()
    listed = pack_editor_client.get(BASE).data["results"][0]
    assert (listed["entry_count"], listed["missing_translation"], listed["missing_audio"]) == (1, 0, 1)
    published = pack_editor_client.post(f"{BASE}{pack.id}/publish").json()
    assert published["published"] is True
    assert published["published_at"]
    same = pack_editor_client.post(
        BASE, {"title": "Bad", "slug": "bad", "source_language": "en", "target_language": "en"}, format="json"
    )
    assert same.status_code == 400
    assert pack_editor_client.post(f"{BASE}{pack.id}/unpublish").json()["published"] is False


def test_import_endpoint_reports_like_the_command(pack_editor_client):
    good = (
        "pack_slug,pack_title,source_language,target_language,text,translation\n"
        "api-pack,API pack,en,es,hola,hello\napi-pack,,,,adiós,bye\n"
    )
    preview = pack_editor_client.post(
        f"{BASE}import", {"file": SimpleUploadedFile("p.csv", good.encode()), "dry_run": True}, format="multipart"
    )
    assert preview.status_code == 200
    assert preview.json()["totals"]["entries_created"] == 2
    assert [r["action"] for r in preview.json()["packs"][0]["rows"]] == ["create", "create"]
    assert not WordBankPack.objects.exists()
    done = pack_editor_client.post(
        f"{BASE}import", {"file": SimpleUploadedFile("p.csv", good.encode()), "publish": True}, format="multipart"
    )
    assert done.status_code == 200
    assert WordBankPack.objects.get(slug="api-pack").published
    bad = good + "api-pack,,,,,empty\n"
    rejected = pack_editor_client.post(
        f"{BASE}import", {"file": SimpleUploadedFile("p.csv", bad.encode()), "update": True}, format="multipart"
    )
    assert rejected.status_code == 400
    assert rejected.json()["errors"] == [{"file": "p.csv", "line": 4, "message": "text is empty"}]
    assert WordBankPackEntry.objects.count() == 2


def test_import_into_a_pack_without_pack_columns(pack_editor_client):
    pack = PackFactory(slug="mine")
    response = pack_editor_client.post(
        f"{BASE}import",
        {"file": SimpleUploadedFile("e.csv", b"text,translation\ngato,cat\n"), "pack": str(pack.id)},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert list(pack.entries.values_list("text", flat=True)) == ["gato"]


@pytest.mark.parametrize(("fmt", "magic"), [("csv", b"pack_slug,"), ("json", b'{\n  "packs"'), ("apkg", b"PK")])
def test_export_formats(pack_editor_client, fmt, magic):
    pack = PackFactory(slug="exp")
    make_entries(pack, 2)
    response = pack_editor_client.get(f"{BASE}{pack.id}/export", {"file_format": fmt})
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert response["Content-Disposition"] == f'attachment; filename="exp.{fmt}"'
    assert pack_editor_client.get(f"{BASE}{pack.id}/export", {"file_format": "xls"}).status_code == 400


def test_entries_added_without_a_position_go_to_the_end(pack_editor_client):
    pack = pack_editor_client.post(
        BASE, {"title": "Order", "slug": "order", "source_language": "en", "target_language": "it"}, format="json"
    ).json()
    assert (pack["entry_count"], pack["missing_translation"], pack["missing_audio"]) == (0, 0, 0)
    entries = f"{BASE}{pack['id']}/entries"
    for text in ("uno", "due", "tre"):
        assert pack_editor_client.post(entries, {"text": text}, format="json").status_code == 201
    placed = pack_editor_client.post(entries, {"text": "zero", "position": 0}, format="json").json()
    assert placed["position"] == 0
    listed = pack_editor_client.get(entries).json()["results"]
    assert [(e["text"], e["position"]) for e in listed if e["text"] != "zero"] == [("uno", 0), ("due", 1), ("tre", 2)]


def test_unpublishing_clears_published_at_and_a_published_pack_is_not_deleted(pack_editor_client):
    from packs.tests.factories import PackFactory

    pack = PackFactory()
    published = pack_editor_client.post(f"{BASE}{pack.id}/publish").json()
    assert published["published_at"]
    refused = pack_editor_client.delete(f"{BASE}{pack.id}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "pack_published"
    unpublished = pack_editor_client.post(f"{BASE}{pack.id}/unpublish").json()
    assert (unpublished["published"], unpublished["published_at"]) == (False, None)
    assert pack_editor_client.delete(f"{BASE}{pack.id}").status_code == 204


def test_the_import_answers_agree_with_the_schema(pack_editor_client):
    from langlearn.testing import schema_errors

    path = "/api/admin/packs/import"
    good = "pack_slug,pack_title,source_language,target_language,text,translation\ns-pack,S,en,es,hola,hello\n"
    preview = pack_editor_client.post(
        path, {"file": SimpleUploadedFile("p.csv", good.encode()), "dry_run": True}, format="multipart"
    )
    assert preview.status_code == 200
    assert schema_errors(preview, path=path, method="post") == []
    rejected = pack_editor_client.post(
        path, {"file": SimpleUploadedFile("p.csv", (good + "s-pack,,,,,x\n").encode())}, format="multipart"
    )
    assert rejected.status_code == 400
    assert rejected.json()["code"] == "import_rejected"
    assert schema_errors(rejected, path=path, method="post") == []
    invalid = pack_editor_client.post(path, {}, format="multipart")
    assert invalid.status_code == 400
    assert schema_errors(invalid, path=path, method="post") == []


def test_the_pack_create_answer_agrees_with_the_schema(pack_editor_client):
    from langlearn.testing import schema_errors

    created = pack_editor_client.post(
        BASE, {"title": "T", "slug": "t", "source_language": "en", "target_language": "es"}, format="json"
    )
    assert created.status_code == 201
    assert schema_errors(created, path="/api/admin/packs", method="post") == []
