"""Anki packages as Anki writes them today (anki21b) and in the legacy format, judged with the
official `anki` library; malformed packages answer line-numbered 400s; extraction is bounded."""

import io
import sqlite3
import time
import zipfile

import genanki
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from langlearn import storage
from langlearn.tests.anki_decks import make_package, open_collection
from packs.models import WordBankPack, WordBankPackEntry

from .conftest import DEMO_DIR
from .test_import import run

pytestmark = pytest.mark.django_db
URL = "/api/admin/packs/import"
NOTES = [
    {"fields": {"Front": "hola", "Back": "hello<br>hi"}, "audio": ("hola.mp3", b"ID3 hola")},
    {"fields": {"Front": "<b>adiós</b>", "Back": "goodbye &amp; bye"}},
]


def post(client, path_or_bytes, name="deck.apkg"):
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else path_or_bytes.read_bytes()
    upload = SimpleUploadedFile(name, data)
    return client.post(URL, {"file": upload, "source_language": "en", "target_language": "es"}, format="multipart")


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b", "legacy"])
def test_package_exported_by_anki_imports(pack_editor_client, tmp_path, legacy):
    path = make_package(tmp_path / "deck.apkg", NOTES, legacy=legacy)
    with zipfile.ZipFile(path) as archive:
        assert ("collection.anki21b" in archive.namelist()) is not legacy
        assert "collection.anki2" in archive.namelist()  # the placeholder Anki adds
    response = post(pack_editor_client, path)
    assert response.status_code == 200, response.json()
    pack = WordBankPack.objects.get()
    assert (pack.slug, pack.title) == ("spanish-words", "Words")
    entries = {e.text: e for e in pack.entries.all()}
    assert set(entries) == {"hola", "adiós"}
    assert entries["hola"].translation == "hello\nhi"
    assert entries["adiós"].translation == "goodbye & bye"
    assert storage.read_bytes(entries["hola"].audio) == b"ID3 hola"
    again = post(pack_editor_client, path)
    assert again.status_code == 200
    assert again.json()["totals"]["entries_created"] == 0
    assert WordBankPackEntry.objects.count() == 2


def _legacy_with(tmp_path, sql: str | None = None, media: bytes | None = None):
    model = genanki.Model(
        1,
        "M",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "c", "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    )
    deck = genanki.Deck(2, "Deck")
    deck.add_note(genanki.Note(model=model, fields=["uno", "one"]))
    path = tmp_path / "g.apkg"
    genanki.Package(deck).write_to_file(str(path))
    with zipfile.ZipFile(path) as archive:
        db = tmp_path / "c.sqlite"
        db.write_bytes(archive.read("collection.anki2"))
        media = archive.read("media") if media is None else media
    if sql:
        conn = sqlite3.connect(db)
        conn.executescript(sql)
        conn.commit()
        conn.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", db.read_bytes())
        archive.writestr("media", media)
    return out.getvalue()


@pytest.mark.parametrize(
    ("sql", "media", "message"),
    [
        ("DELETE FROM col", None, "the collection's `col` table is empty"),
        ("UPDATE col SET models = 'not json'", None, "the collection's note types are not JSON"),
        (
            "CREATE TABLE c2 AS SELECT * FROM col; DROP TABLE col; ALTER TABLE c2 RENAME TO col;"
            "UPDATE col SET models = NULL",
            None,
            "the collection's note types are missing (NULL)",
        ),
        ('UPDATE col SET models = \'{"abc": {"flds": [{"name": "F"}]}}\'', None, "non-integer id 'abc'"),
        ('UPDATE col SET models = \'{"1": {"name": "M"}}\'', None, "note type 1 (M) has no fields (`flds`)"),
        (None, b"\xff\xfe not json", "the package's `media` file is not JSON"),
        ("DROP TABLE notes", None, "not an Anki collection (no notes table)"),
    ],
)
def test_malformed_packages_answer_line_numbered_400(pack_editor_client, tmp_path, sql, media, message):
    response = post(pack_editor_client, _legacy_with(tmp_path, sql, media))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_rejected"
    [error] = body["errors"]
    assert error["line"] == 1
    assert message in error["message"]


def test_not_a_zip_and_damaged_zstd_are_400(pack_editor_client):
    assert post(pack_editor_client, b"hello").json()["errors"][0]["message"] == "not an Anki package (not a zip file)"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfdgarbage")
    response = post(pack_editor_client, out.getvalue())
    assert response.status_code == 400
    assert "the collection is damaged" in response.json()["errors"][0]["message"]


def test_a_collection_bomb_is_refused_while_streaming(pack_editor_client, settings):
    settings.ANKI_MAX_COLLECTION_BYTES = 1024 * 1024
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("collection.anki21", "w", force_zip64=True) as member,
    ):
        block = bytes(1 << 20)
        for _ in range(256):  # 256 MiB of zeros in a ~256 KiB zip
            member.write(block)
    data = out.getvalue()
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    response = post(pack_editor_client, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "the collection is larger than 1 MiB once decompressed"
    print(f"refused a 256 MiB collection after {elapsed:.3f}s")


def test_line_breaks_survive_an_apkg_round_trip_and_anki_sees_them(tmp_path):
    run(DEMO_DIR / "en-es-everyday-a1.csv")
    pack = WordBankPack.objects.get()
    pack.entries.filter(text="hola").update(notes="first line\nsecond line", example_sentence="¡Hola!\n¿Qué tal?")
    path = tmp_path / "deck.apkg"
    call_command("export_packs", pack.slug, "--format", "apkg", "-o", str(path), stderr=io.StringIO())
    col = open_collection(path, tmp_path)
    try:
        [nid] = col.find_notes('"Front:hola"')
        note = col.get_note(nid)
        assert note["Notes"] == "first line<br>second line"
        assert note["Example"] == "¡Hola!<br>¿Qué tal?"
        assert col.note_count() == 50
    finally:
        col.close()
    WordBankPack.objects.all().delete()
    run(path)
    hola = WordBankPackEntry.objects.get(text="hola")
    assert (hola.notes, hola.example_sentence) == ("first line\nsecond line", "¡Hola!\n¿Qué tal?")
