"""Issue 19, data rights: deleting the account deletes its stored objects (local files and S3),
in a job retried until storage confirms; the learner can export everything they own as a ZIP."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.files.storage import default_storage

from langlearn import storage
from langlearn.data_rights import export_download_url, media_purge, owned_media_keys
from langlearn.models import StorageDeletion
from langlearn.testing import run_jobs
from vocab.tests.factories import EntryFactory, PairFactory, card_for

pytestmark = pytest.mark.django_db(transaction=True)

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\0" * 40


def _entry_with_audio(user, text: str):
    pair = PairFactory(user=user)
    key = f"vocab/{user.pk}/{text}.wav"
    storage.save_bytes(key, WAV, content_type="audio/wav")
    return EntryFactory(pair=pair, text=text, audio=key), key


def _delete_account(client, broker, worker):
    response = client.delete("/api/auth/me")
    assert response.status_code == 204, response.content
    run_jobs(broker, worker)


def test_deleting_the_account_deletes_its_audio(user, other_user, auth_client, broker, worker):
    _, mine = _entry_with_audio(user, "casa")
    _, theirs = _entry_with_audio(other_user, "perro")
    assert owned_media_keys(user) == [mine]
    _delete_account(auth_client, broker, worker)
    assert not storage.exists(mine)
    assert storage.exists(theirs)  # another learner's audio is untouched
    assert not StorageDeletion.objects.exists()


def test_deleting_the_account_deletes_its_audio_on_s3(user, other_user, auth_client, broker, worker, s3_storage):
    _, mine = _entry_with_audio(user, "casa")
    _, theirs = _entry_with_audio(other_user, "perro")
    assert "s3" in type(default_storage._wrapped).__module__  # langlearn.storage writes to S3 here
    assert storage.exists(mine)
    _delete_account(auth_client, broker, worker)
    assert not storage.exists(mine)
    assert storage.exists(theirs)


def test_the_purge_keeps_what_storage_refused_and_finishes_later(user, monkeypatch):
    _, key = _entry_with_audio(user, "casa")
    StorageDeletion.objects.create(key=key)

    def down(name):
        raise OSError("storage unreachable")

    monkeypatch.setattr(default_storage, "delete", down)
    assert media_purge() == 1
    assert StorageDeletion.objects.get().attempts == 1
    monkeypatch.undo()
    assert media_purge() == 0
    assert not storage.exists(key)


def test_export_zip_holds_everything_the_learner_owns(user, other_user, auth_client, broker, worker):
    entry, key = _entry_with_audio(user, "casa")
    card = card_for(entry.pair)
    assert auth_client.post(f"/api/flashcards/{card.pk}/reviews", {"rating": "good"}, format="json").status_code in {
        200,
        201,
    }
    _entry_with_audio(other_user, "secreto")

    started = auth_client.post("/api/auth/me/export")
    assert started.status_code == 202, started.content
    assert started.json()["download_url"] is None
    run_jobs(broker, worker)
    ready = auth_client.get("/api/auth/me/export").json()
    assert ready["job"]["status"] == "succeeded", ready
    assert ready["download_url"]

    export_key = ready["job"]["steps"][0]["ref"]
    archive = zipfile.ZipFile(io.BytesIO(storage.read_bytes(export_key)))
    names = set(archive.namelist())
    assert {"account.json", "review_history.csv", "README.txt", f"media/{key}"} <= names
    assert json.loads(archive.read("account.json"))["email"] == user.email
    assert "password" not in json.loads(archive.read("account.json"))
    entries = json.loads(archive.read("data/vocab.learnablewordbankentry.json"))
    texts = {e["text"] for e in entries}
    assert "casa" in texts
    assert "secreto" not in texts  # nothing of the other learner
    history = list(csv.DictReader(io.StringIO(archive.read("review_history.csv").decode())))
    assert len(history) == 1
    assert history[0]["card_id"] == str(card.pk)
    assert archive.read(f"media/{key}") == WAV

    # The export itself is the learner's: deleting the account deletes it too.
    _delete_account(auth_client, broker, worker)
    assert not storage.exists(export_key)


def test_an_export_is_kept_for_its_retention_and_a_newer_one_replaces_it(user, auth_client, broker, worker, settings):
    """A whole account's data does not lie in storage for ever: each ZIP is queued for deletion
    EXPORT_RETENTION_HOURS after it is built (its link ends then too), and a newer export deletes the
    older one at once."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from langlearn.jobs.models import Job

    settings.EXPORT_RETENTION_HOURS = 2

    def export() -> dict:
        assert auth_client.post("/api/auth/me/export").status_code == 202
        run_jobs(broker, worker)
        return auth_client.get("/api/auth/me/export").json()

    first = export()
    first_key = first["job"]["steps"][0]["ref"]
    expires_at = datetime.fromisoformat(first["expires_at"].replace("Z", "+00:00"))
    assert timedelta(hours=1, minutes=59) < expires_at - timezone.now() <= timedelta(hours=2)
    assert media_purge() == 0
    assert storage.exists(first_key)

    second = export()
    second_key = second["job"]["steps"][0]["ref"]
    assert not storage.exists(first_key)  # superseded: purged at once
    assert storage.exists(second_key)
    assert second["download_url"]

    # Two hours on: the ZIP is due for deletion and its link is no longer handed out.
    StorageDeletion.objects.filter(key=second_key).update(not_before=timezone.now() - timedelta(seconds=1))
    assert media_purge() == 0
    assert not storage.exists(second_key)
    job = Job.objects.get(pk=second["job"]["id"])
    assert export_download_url(job, now=timezone.now() + timedelta(hours=2)) is None
    assert export_download_url(job) is not None  # before its time, the link is handed out


def test_no_export_yet_is_404(auth_client):
    response = auth_client.get("/api/auth/me/export")
    assert response.status_code == 404
    assert response.json()["code"] == "no_export"


def test_export_needs_a_login(api_client):
    assert api_client.post("/api/auth/me/export").status_code == 401
