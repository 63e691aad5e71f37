"""The learner's Anki export as a job: POST → 202 + job → the job's page → the .apkg streamed with
Anki's content type, judged by the official `anki` library; size limits, the bounded synchronous
path, one export at a time, older files pruned, other users 404."""

import pytest

from flashcards.services.anki_import import anki_deck_import
from langlearn import storage
from langlearn.data_rights import owned_media_keys
from langlearn.testing import run_jobs
from langlearn.tests.anki_decks import make_package, open_collection

from .test_anki_import import deck_notes

pytestmark = pytest.mark.django_db(transaction=True)


def export_url(pair, *rest):
    return "/".join([f"/api/vocab/language-pairs/{pair.pk}/anki-export", *map(str, rest)])


@pytest.fixture
def imported(pair, tmp_path):
    """The pair's word bank: three entries with cards, audio and four reviews (from an Anki deck)."""
    anki_deck_import(pair=pair, source=make_package(tmp_path / "mine.apkg", deck_notes()))
    return pair


def start(client, pair):
    response = client.post(export_url(pair))
    assert response.status_code == 202, response.json()
    return response.json()


def test_export_job_stores_an_apkg_anki_opens_with_its_history(auth_client, imported, tmp_path, broker, worker):
    pair = imported
    body = start(auth_client, pair)
    assert body["job"]["kind"] == "anki_export"
    assert (body["download_url"], body["file_url"], body["package"]) == (None, None, None)
    run_jobs(broker, worker)

    done = auth_client.get(export_url(pair, body["job"]["id"])).json()
    assert done["job"]["status"] == "succeeded", done
    package = done["package"]
    assert (package["notes"], package["cards"], package["reviews"], package["audio"]) == (3, 6, 4, 1)
    assert package["filename"] == "langlearn-en-es.apkg"
    assert done["download_url"]
    assert done["file_url"].endswith(f"/anki-export/{body['job']['id']}/file")

    response = auth_client.get(done["file_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    assert 'filename="langlearn-en-es.apkg"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert len(data) == package["bytes"]
    exported = tmp_path / "export.apkg"
    exported.write_bytes(data)
    col = open_collection(exported, tmp_path)
    try:
        assert (col.note_count(), col.card_count()) == (3, 6)
        assert col.db.scalar("SELECT count(*) FROM revlog") == 4
        [casa_id] = col.find_notes('"Front:la casa"')
        recognise = next(c for c in col.get_note(casa_id).cards() if c.ord == 0)
        assert col.db.list("SELECT ease FROM revlog WHERE cid = ? ORDER BY id", recognise.id) == [3, 3, 1, 3]
        assert recognise.memory_state is not None
    finally:
        col.close()
    # the stored file belongs to the learner: deleted with the account
    assert any(key.startswith(f"anki-exports/{pair.user_id}/") for key in owned_media_keys(pair.user))


def test_a_second_post_while_one_runs_returns_the_same_job(auth_client, imported, broker):
    first, second = start(auth_client, imported), start(auth_client, imported)
    assert second["job"]["id"] == first["job"]["id"]
    # not ready yet: the file answers 409
    response = auth_client.get(export_url(imported, first["job"]["id"], "file"))
    assert (response.status_code, response.json()["code"]) == (409, "export_not_ready")


def test_a_newer_export_replaces_the_older_file(auth_client, imported, broker, worker):
    first = start(auth_client, imported)
    run_jobs(broker, worker)
    second = start(auth_client, imported)
    assert second["job"]["id"] != first["job"]["id"]
    run_jobs(broker, worker)
    gone = auth_client.get(export_url(imported, first["job"]["id"], "file"))
    assert (gone.status_code, gone.json()["code"]) == (404, "export_gone")
    assert auth_client.get(export_url(imported, second["job"]["id"], "file")).status_code == 200


def test_an_export_past_the_size_limit_fails_readably(auth_client, imported, broker, worker, settings):
    settings.ANKI_EXPORT_MAX_BYTES = 2048
    body = start(auth_client, imported)
    run_jobs(broker, worker)
    job = auth_client.get(export_url(imported, body["job"]["id"])).json()["job"]
    assert job["status"] == "failed"
    assert job["error"].startswith("This word bank is too large to export: the package (")
    assert job["error"].endswith("passes the 2.0\xa0KB limit.")
    assert not storage.exists(f"anki-exports/{imported.user_id}/{body['job']['id']}/deck.apkg")


def test_the_synchronous_download_is_for_small_word_banks_only(auth_client, imported, settings):
    small = auth_client.get(export_url(imported))
    assert small.status_code == 200
    assert small["Content-Type"] == "application/apkg"
    settings.ANKI_EXPORT_SYNC_MAX_NOTES = 2
    big = auth_client.get(export_url(imported))
    assert (big.status_code, big.json()["code"]) == (409, "export_needs_job")
    settings.ANKI_EXPORT_SYNC_MAX_NOTES, settings.ANKI_EXPORT_SYNC_MAX_REVIEWS = 1000, 3
    assert auth_client.get(export_url(imported)).json()["code"] == "export_needs_job"


def test_other_learners_exports_are_404(auth_client, other_client, imported, other_pair, broker, worker):
    body = start(auth_client, imported)
    run_jobs(broker, worker)
    job_id = body["job"]["id"]
    assert other_client.post(export_url(imported)).status_code == 404
    assert other_client.get(export_url(imported, job_id)).status_code == 404
    assert other_client.get(export_url(imported, job_id, "file")).status_code == 404
    # the learner's own job asked for under another pair's URL: 404 too
    assert other_client.get(export_url(other_pair, job_id)).status_code == 404
    assert other_client.get(export_url(other_pair, job_id, "file")).status_code == 404
