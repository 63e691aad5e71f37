"""A large Anki import goes in batches: the job API shows its progress, and a run that dies mid-way
is resumed after its last committed batch — nothing is imported or counted twice."""

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from flashcards.models import FlashcardEvent
from flashcards.services.anki_import import STATUS_HOOKS
from langlearn.testing import run_jobs
from langlearn.tests.anki_decks import make_package
from vocab.models import LearnableWordBankEntry

pytestmark = pytest.mark.django_db(transaction=True)

DAY_MS = 86_400_000
T0 = int(datetime(2026, 6, 1, 9, tzinfo=UTC).timestamp() * 1000)
WORDS = ["uno", "dos", "tres", "cuatro", "Uno", "seis", "siete"]  # note 5 repeats note 1


def seven_mature_notes():
    """Every note a mature review card with two reviews, so every batch has words to mark known."""
    return [
        {
            "fields": {"Front": word, "Back": f"meaning {i}"},
            "reviews": [(T0 + i * 1000, 3, -600, 0, 0, 0), (T0 + DAY_MS + i * 1000, 3, 30, -600, 2500, 0)],
            "card": {"type": 2, "queue": 2, "ivl": 30, "factor": 2500, "due": 40, "reps": 2},
        }
        for i, word in enumerate(WORDS)
    ]


def upload(client, pair, path):
    response = client.post(
        f"/api/vocab/language-pairs/{pair.pk}/anki-import",
        {"file": SimpleUploadedFile("big.apkg", path.read_bytes())},
        format="multipart",
    )
    assert response.status_code == 202, response.json()
    return response.json()["job"]["id"]


def import_step(client, job_id):
    job = client.get(f"/api/jobs/{job_id}").json()
    return job, next(s for s in job["steps"] if s["name"] == "import")


def test_the_job_api_shows_the_import_progress(auth_client, pair, tmp_path, broker, worker, settings):
    settings.ANKI_IMPORT_BATCH_NOTES = 3
    batches = []

    def hook(**kw):
        batches.append(sorted(kw["known"]))
        return 0

    STATUS_HOOKS.append(hook)
    try:
        job_id = upload(auth_client, pair, make_package(tmp_path / "big.apkg", seven_mature_notes()))
        run_jobs(broker, worker)
    finally:
        STATUS_HOOKS.remove(hook)
    job, step = import_step(auth_client, job_id)
    assert job["status"] == "succeeded", job
    assert step["progress"] == {"done": 7, "total": 7}
    assert job["steps"][0]["progress"] is None  # `check` is quick: no progress of its own
    # three batches (notes 1-3, 4-6, 7), the repeated "Uno" reported, not imported
    assert batches == [["dos", "tres", "uno"], ["cuatro", "seis"], ["siete"]]
    assert "checkpoint" not in step  # internal: the API shows progress only


def test_a_failed_import_resumes_after_its_last_committed_batch(auth_client, pair, tmp_path, broker, worker, settings):
    settings.ANKI_IMPORT_BATCH_NOTES = 3
    calls = []

    def crash_in_the_second_batch(**kw):
        calls.append(sorted(kw["known"]))
        if "cuatro" in kw["known"] and len(calls) == 2:
            raise RuntimeError("worker died")
        return len(kw["known"])

    path = make_package(tmp_path / "big.apkg", seven_mature_notes())
    STATUS_HOOKS.append(crash_in_the_second_batch)
    try:
        job_id = upload(auth_client, pair, path)
        run_jobs(broker, worker)
        job, step = import_step(auth_client, job_id)
        assert (job["status"], step["status"]) == ("failed", "failed"), job
        # the first batch is committed with its checkpoint; the second rolled back
        assert step["progress"] == {"done": 3, "total": 7}
        assert set(LearnableWordBankEntry.objects.filter(pair=pair).values_list("text", flat=True)) == {
            "uno",
            "dos",
            "tres",
        }
        assert FlashcardEvent.objects.filter(user=pair.user).count() == 6

        retried = auth_client.post(f"/api/jobs/{job_id}/retry")
        assert retried.status_code == 202, retried.json()
        run_jobs(broker, worker)
    finally:
        STATUS_HOOKS.remove(crash_in_the_second_batch)

    job, step = import_step(auth_client, job_id)
    assert job["status"] == "succeeded", job
    assert step["progress"] == {"done": 7, "total": 7}
    # batch 1 ran once; batch 2 twice (the crash, then the retry); batch 3 once
    assert calls == [["dos", "tres", "uno"], ["cuatro", "seis"], ["cuatro", "seis"], ["siete"]]
    report = auth_client.get(f"/api/vocab/language-pairs/{pair.pk}/anki-import").json()["imports"][0]["report"]
    assert report["notes"] == 7
    assert (report["entries_created"], report["entries_existing"]) == (6, 0)
    assert report["reviews_imported"] == 12
    assert report["mature"] == 6
    # the repeat of note 1 is still caught after the resume, which skipped note 1
    assert report["problems"] == [{"line": 5, "message": "duplicate of line 1 ('Uno')"}]
    assert report["lemma_statuses"]["known"] == 6
    assert LearnableWordBankEntry.objects.filter(pair=pair).count() == 6
    assert FlashcardEvent.objects.filter(user=pair.user).count() == 12
    pair.refresh_from_db()
    assert pair.review_count == 12  # counted once per review, not again for the re-run batch
