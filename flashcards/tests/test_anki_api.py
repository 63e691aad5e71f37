"""The learner's Anki endpoints: upload → job → report, 400/404/413 answers, and the export judged
by the official `anki` library (cards, audio, scheduling and revlog as Anki sees them)."""

import json

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from flashcards.models import Direction, Flashcard
from flashcards.services import flashcard_review
from flashcards.services.anki_export import anki_deck_export
from langlearn.testing import run_jobs
from langlearn.tests.anki_decks import make_package, open_collection
from vocab.models import LearnableWordBankEntry

from .test_anki_import import deck_notes

pytestmark = pytest.mark.django_db(transaction=True)


def url(pair, what="anki-import"):
    return f"/api/vocab/language-pairs/{pair.pk}/{what}"


def upload(client, pair, data: bytes, name="mine.apkg", **extra):
    return client.post(url(pair), {"file": SimpleUploadedFile(name, data), **extra}, format="multipart")


def test_upload_runs_a_job_whose_output_is_the_report(auth_client, pair, tmp_path, broker, worker):
    path = make_package(tmp_path / "mine.apkg", deck_notes())
    response = upload(auth_client, pair, path.read_bytes(), mapping=json.dumps({"translation": "Back"}))
    assert response.status_code == 202, response.json()
    job_id = response.json()["job"]["id"]
    run_jobs(broker, worker)
    [body] = auth_client.get(url(pair)).json()["imports"]
    assert body["job"]["id"] == job_id
    assert body["job"]["status"] == "succeeded", body
    assert [s["name"] for s in body["job"]["steps"]] == ["check", "import"]
    package, report = body["package"], body["report"]
    assert (package["format"], package["notes"], package["reviews"]) == ("anki21b", 4, 4)
    assert report["entries_created"] == 3
    assert report["reviews_imported"] == 4
    assert report["problems"] == [{"line": 4, "message": "the word (text) field is empty"}]
    assert LearnableWordBankEntry.objects.filter(pair=pair).count() == 3
    assert default_storage.listdir(f"anki-imports/{pair.user_id}")[1] == []  # the upload is deleted once imported


def test_bad_uploads_answer_400_and_another_users_pair_404(auth_client, other_client, pair, tmp_path):
    bad = upload(auth_client, pair, b"not a zip")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_package")
    assert bad.json()["detail"] == "line 1: not an Anki package (not a zip file)"
    assert upload(auth_client, pair, b"x", name="deck.txt").json()["code"] == "invalid_file_type"
    path = make_package(tmp_path / "mine.apkg", deck_notes()[:1])
    wrong = upload(auth_client, pair, path.read_bytes(), mapping=json.dumps({"colour": "Front"}))
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_mapping")
    assert upload(other_client, pair, path.read_bytes()).status_code == 404
    assert other_client.get(url(pair, "anki-export")).status_code == 404
    assert other_client.get(url(pair)).status_code == 404


def test_too_large_upload_is_413(auth_client, pair, settings):
    settings.ANKI_IMPORT_MAX_BYTES = 10
    response = upload(auth_client, pair, b"x" * 11)
    assert (response.status_code, response.json()["code"]) == (413, "file_too_large")


def test_a_broken_collection_fails_the_job_with_a_line_numbered_message(auth_client, pair, broker, worker):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfdgarbage")
    response = upload(auth_client, pair, out.getvalue())
    assert response.status_code == 202
    run_jobs(broker, worker)
    job = auth_client.get(url(pair)).json()["imports"][0]["job"]
    assert job["status"] == "failed"
    assert job["error"].startswith("line 1: the collection is damaged")
    run_jobs(broker, worker)  # the purge the failure queued
    assert default_storage.listdir(f"anki-imports/{pair.user_id}")[1] == []  # an unimportable upload goes too


def test_an_upload_not_imported_yet_is_the_accounts_and_goes_with_it(auth_client, pair, tmp_path):
    """Uploaded, its job not run: the package is among the account's stored objects (purged with it)."""
    from langlearn.data_rights import owned_media_keys

    path = make_package(tmp_path / "mine.apkg", deck_notes()[:1])
    assert upload(auth_client, pair, path.read_bytes()).status_code == 202
    [name] = default_storage.listdir(f"anki-imports/{pair.user_id}")[1]
    assert f"anki-imports/{pair.user_id}/{name}" in owned_media_keys(pair.user)


def test_export_opens_in_anki_with_cards_audio_and_history(auth_client, pair, tmp_path):
    path = make_package(tmp_path / "mine.apkg", deck_notes())
    from flashcards.services.anki_import import anki_deck_import

    anki_deck_import(pair=pair, source=path)
    # one more review here, after the import
    dog = Flashcard.objects.get(entry__text="el perro", direction=Direction.RECOGNISE)
    flashcard_review(user=pair.user, card_id=dog.pk, rating="good", reviewed_at=timezone.now())

    response = auth_client.get(url(pair, "anki-export"))
    assert response.status_code == 200
    exported = tmp_path / "export.apkg"
    exported.write_bytes(b"".join(response.streaming_content))

    col = open_collection(exported, tmp_path)
    try:
        assert col.note_count() == 3
        # recognise for each entry + produce (the pair has production cards on)
        assert col.card_count() == 6
        [casa_id] = col.find_notes('"Front:la casa"')
        casa = col.get_note(casa_id)
        assert casa["Back"] == "the house<br>the home"
        sound = casa["Audio"].removeprefix("[sound:").removesuffix("]")
        assert (tmp_path / "judge.media" / sound).read_bytes() == b"ID3 casa"
        recognise = next(c for c in casa.cards() if c.ord == 0)
        assert recognise.type == 2
        assert recognise.ivl >= 1
        assert recognise.memory_state is not None
        eases = col.db.list("SELECT ease FROM revlog WHERE cid = ? ORDER BY id", recognise.id)
        assert eases == [3, 3, 1, 3]
        [dog_id] = col.find_notes('"Front:el perro"')
        dog_card = next(c for c in col.get_note(dog_id).cards() if c.ord == 0)
        assert col.db.list("SELECT ease FROM revlog WHERE cid = ?", dog_card.id) == [3]
        [cat_id] = col.find_notes('"Front:el gato"')
        assert next(c for c in col.get_note(cat_id).cards() if c.ord == 0).queue == -1
        assert col.db.scalar("SELECT count(*) FROM revlog") == 5
    finally:
        col.close()


def test_export_then_import_into_another_pair_keeps_the_history(pair, other_pair, tmp_path):
    path = make_package(tmp_path / "mine.apkg", deck_notes())
    from flashcards.services.anki_import import anki_deck_import

    anki_deck_import(pair=pair, source=path)
    exported = tmp_path / "export.apkg"
    with exported.open("wb") as fh:
        anki_deck_export(pair=pair, out=fh)
    report = anki_deck_import(pair=other_pair, source=exported)
    assert (report.entries_created, report.reviews_imported) == (3, 4)
    mine = Flashcard.objects.get(pair=pair, entry__text="la casa", direction=Direction.RECOGNISE)
    theirs = Flashcard.objects.get(pair=other_pair, entry__text="la casa", direction=Direction.RECOGNISE)
    assert theirs.stability == pytest.approx(mine.stability, rel=1e-3)
    assert theirs.due.date() == mine.due.date()


def test_dry_run_shows_the_mapping_and_samples_and_writes_nothing(auth_client, pair, tmp_path, broker, worker):
    path = make_package(
        tmp_path / "cloze.apkg", [{"fields": {"Text": "hablar", "Back Extra": "to speak"}}], notetype="Cloze"
    )
    mapping = json.dumps({"translation": "Back Extra"})
    response = upload(auth_client, pair, path.read_bytes(), mapping=mapping, dry_run="true")
    assert response.status_code == 202
    run_jobs(broker, worker)
    [body] = auth_client.get(url(pair)).json()["imports"]
    assert body["job"]["status"] == "succeeded"
    assert body["job"]["steps"][1]["status"] == "skipped"
    [note_type] = body["package"]["note_types"]
    assert note_type["mapping"] == {"text": "Text", "translation": "Back Extra"}
    assert note_type["samples"] == [{"text": "hablar", "translation": "to speak"}]
    assert not LearnableWordBankEntry.objects.filter(pair=pair).exists()
