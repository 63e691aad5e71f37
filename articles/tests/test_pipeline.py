"""The article pipeline end to end: HTTP request → real dramatiq.Worker over the StubBroker →
real SDK clients against the loopback fake provider server → article over HTTP. Assertions use
the fake server's request log to prove which provider was called how often."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import SummariseJob, TranslatedArticle
from flashcards.models import Flashcard
from langlearn import storage
from langlearn.jobs.models import Job
from langlearn.jobs.tasks import run_job
from langlearn.testing import run_jobs
from vocab.models import LearnableWordBankEntry

from .factories import PairFactory

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/generation/articles"
SOURCE = "The town held its yearly river festival with boats, music and food stalls along the water. " * 4
ARTICLE = {
    "title": "La fiesta del río",
    "body": "El pueblo celebra la fiesta del río. Los barcos navegan por el río y la gente come en la calle. "
    "La música suena toda la noche. Un barco grande llega al puerto.",
    "glossary": [{"term": "barco", "translation": "boat", "note": ""}, {"term": "fiesta", "translation": "festival"}],
}


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    settings.JOB_RETRY_BASE_SECONDS = 0.02
    settings.JOB_RETRY_MAX_SECONDS = 0.1


def request_article(client, pair, **extra):
    resp = client.post(URL, {"language_pair": str(pair.pk), "text": SOURCE, **extra}, format="json")
    assert resp.status_code == 202, resp.json()
    return resp.json()["job"]["id"]


def stored_audio_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT / "articles"
    return sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in root.rglob("*") if p.is_file())


def test_happy_path_end_to_end(auth_client, user, pair, fake_providers, broker, worker, settings):
    entry = LearnableWordBankEntry.objects.create(
        user=user, pair=pair, text="río", lemma="río", normalized_lemma="río", translation="river"
    )
    LearnableWordBankEntry.objects.create(user=user, pair=pair, text="el", lemma="el", normalized_lemma="el")
    LearnableWordBankEntry.objects.create(user=user, pair=pair, text="barco", lemma="barco", normalized_lemma="barco")
    Flashcard.objects.create(
        user=user, pair=pair, entry=entry, due=timezone.now() - timedelta(hours=1), last_review=timezone.now()
    )
    fake_providers.push_tool_input(ARTICLE)
    fake_providers.push("deepl")  # the default answer to the target-languages request that comes first
    fake_providers.push_translations(["The river festival", "The town celebrates the river festival."])

    job_id = request_article(auth_client, pair, title="River festival", length="short")
    run_jobs(broker, worker)

    job = auth_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "succeeded", job
    # One draft (the fixture's pair allows no revision round): the rounds are skipped with a reason.
    steps = {s["name"]: s["status"] for s in job["steps"]}
    assert [steps[n] for n in ("write", "choose", "translate", "speak", "store", "analyse")] == ["done"] * 6
    assert {steps[f"revise_{n}"] for n in range(1, 6)} == {"skipped"}
    assert job["attempts"] == 1
    assert job["result"]["type"] == "article"
    article = auth_client.get(f"{URL}/{job['result']['id']}").json()
    assert article["title"] == ARTICLE["title"]
    assert article["body"] == ARTICLE["body"]
    assert article["translated_title"] == "The river festival"
    assert article["translation"] == "The town celebrates the river festival."
    assert article["level"] == pair.level
    assert article["glossary"][0] == {"term": "barco", "translation": "boat", "note": ""}
    assert article["providers"]["llm"]["provider"] == "anthropic"
    assert article["input_tokens"] > 0
    assert article["source_type"] == "text"
    assert article["source_title"] == "River festival"
    # Audio: uploaded under the job-derived key, served by URL.
    assert stored_audio_files(settings) == [f"articles/{job_id}/audio.wav"]
    assert storage.read_bytes(f"articles/{job_id}/audio.wav")[:4] == b"RIFF"
    assert article["audio_url"].endswith(f"articles/{job_id}/audio.wav")
    assert article["audio_duration_seconds"] > 0
    # Analysis: sentences, key vocabulary with counts, known-word coverage from the word bank.
    assert len(article["sentences"]) == 4
    vocab = {v["lemma"]: v for v in article["key_vocabulary"]}
    assert vocab["barco"]["count"] == 2  # "barcos" and "barco"
    assert vocab["barco"]["known"] is True
    assert vocab["fiesta"]["known"] is False
    assert "el" not in vocab  # stop words are not key vocabulary
    # Coverage (the knowledge engine): content words only, 16 of them once spaCy's stop words are
    # out (El/el, la, del, por, y, en, un, al, toda, grande ...); covered: río x2 (by surface
    # form), barcos, barco.
    assert article["known_word_coverage"] == round(4 / 17, 4)
    # The prompt asked for the level and reused the learner's due word.
    (llm_request,) = fake_providers.requests_for("anthropic")
    prompt = llm_request.json["messages"][0]["content"]
    assert "CEFR level B1" in prompt
    assert "río" in prompt
    assert SOURCE.strip()[:60] in prompt
    assert len([r for r in fake_providers.requests_for("deepl") if r.path.endswith("/translate")]) == 1


def test_a_429_is_retried_and_makes_one_article(auth_client, pair, fake_providers, broker, worker):
    fake_providers.push_error("anthropic", 429)
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)
    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded"
    assert job.attempts == 2
    assert len(fake_providers.requests_for("anthropic")) == 2
    assert TranslatedArticle.objects.filter(job=job).count() == 1


def test_a_permanent_llm_error_fails_at_once_with_a_readable_error(auth_client, pair, fake_providers, broker, worker):
    fake_providers.push_error("anthropic", 400)
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)
    job = auth_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "failed"
    assert job["attempts"] == 1
    assert job["error"].startswith("The text generator failed:")
    assert "HTTP 400" in job["error"]
    assert job["current_step"] == "write"
    assert len(fake_providers.requests_for("anthropic")) == 1
    assert fake_providers.requests_for("gemini") == []
    assert TranslatedArticle.objects.count() == 0


def test_tts_failure_retries_resume_at_speak(auth_client, pair, fake_providers, broker, worker):
    fake_providers.push_error("gemini", 503)
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)
    job = Job.objects.get(pk=job_id)
    assert job.status == "succeeded"
    assert job.attempts == 2
    assert len(fake_providers.requests_for("anthropic")) == 1  # the LLM was paid once
    assert len([r for r in fake_providers.requests_for("deepl") if r.path.endswith("/translate")]) == 1


def test_manual_retry_after_a_permanent_tts_failure_resumes_at_speak(
    auth_client, pair, fake_providers, broker, worker, settings
):
    fake_providers.push_error("gemini", 400)
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)
    job = auth_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "failed"
    assert job["current_step"] == "speak"
    assert job["error"].startswith("The speech service failed:")
    statuses = {s["name"]: s["status"] for s in job["steps"]}
    assert [statuses[n] for n in ("write", "translate", "speak", "store", "analyse")] == [
        "done", "done", "failed", "pending", "pending"
    ]  # fmt: skip

    assert auth_client.post(f"/api/jobs/{job_id}/retry").status_code == 202
    run_jobs(broker, worker)
    job = auth_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "succeeded"
    assert len(fake_providers.requests_for("anthropic")) == 1
    assert TranslatedArticle.objects.count() == 1
    assert stored_audio_files(settings) == [f"articles/{job_id}/audio.wav"]


def test_the_same_message_delivered_twice_does_everything_once(
    auth_client, pair, fake_providers, broker, worker, settings
):
    job_id = request_article(auth_client, pair)
    run_job.send(job_id)
    run_job.send(job_id)
    run_jobs(broker, worker)
    assert SummariseJob.objects.get(pk=job_id).status == "succeeded"
    assert SummariseJob.objects.get(pk=job_id).attempts == 1
    assert TranslatedArticle.objects.count() == 1
    assert len(fake_providers.requests_for("anthropic")) == 1
    assert stored_audio_files(settings) == [f"articles/{job_id}/audio.wav"]
    gemini_calls = len(fake_providers.requests_for("gemini"))
    # A redelivery after success changes nothing either.
    run_job.send(job_id)
    run_jobs(broker, worker)
    assert len(fake_providers.requests_for("gemini")) == gemini_calls
    assert TranslatedArticle.objects.count() == 1


def test_translation_is_skipped_with_a_reason_when_deepl_cannot_do_the_language(
    user, auth_client, fake_providers, broker, worker
):
    pair = PairFactory(user=user, source_language="ca", target_language="es")  # DeepL has no Catalan target
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)
    job = auth_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "succeeded"
    translate = next(s for s in job["steps"] if s["name"] == "translate")
    assert translate["status"] == "skipped"
    assert "cannot translate into ca" in translate["note"]
    article = TranslatedArticle.objects.get()
    assert article.translation == ""
    assert "cannot translate into ca" in article.translation_note
    assert [r for r in fake_providers.requests_for("deepl") if r.path.endswith("/translate")] == []


def test_another_learners_article_job_is_404(auth_client, other_client, pair, fake_providers, broker, worker):
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)
    article_id = Job.objects.get(pk=job_id).result_id
    assert other_client.get(f"/api/jobs/{job_id}").status_code == 404
    assert other_client.post(f"/api/jobs/{job_id}/retry").status_code == 404
    assert other_client.get(f"{URL}/{article_id}").status_code == 404
    assert other_client.delete(f"{URL}/{article_id}").status_code == 404
    assert other_client.get("/api/jobs/").json()["results"] == []


def test_deleting_a_generated_article_removes_its_audio(auth_client, pair, fake_providers, broker, worker, settings):
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)
    article_id = Job.objects.get(pk=job_id).result_id
    assert stored_audio_files(settings)
    assert auth_client.delete(f"{URL}/{article_id}").status_code == 204
    assert stored_audio_files(settings) == []
    assert auth_client.get(f"/api/jobs/{job_id}").json()["result"] is None


def test_without_provider_keys_the_offline_demo_providers_make_an_article(auth_client, pair, broker, worker):
    """`make run` on a bare machine: no keys, the labelled offline providers answer."""
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)
    job = auth_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "succeeded", job
    article = auth_client.get(f"{URL}/{job['result']['id']}").json()
    assert article["providers"]["llm"]["provider"] == "offline"
    assert article["body"]
    assert article["audio_url"]


def test_on_s3_the_audio_is_one_object_under_the_job_key_and_delete_removes_it(
    auth_client, pair, fake_providers, broker, worker, s3_storage
):
    fake_providers.push_error("gemini", 503)  # a retried speak step still leaves exactly one object
    job_id = request_article(auth_client, pair)
    run_jobs(broker, worker)

    def keys() -> list[str]:
        listing = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)
        return [o["Key"] for o in listing.get("Contents", [])]

    assert keys() == [f"articles/{job_id}/audio.wav"]
    article = auth_client.get(f"{URL}/{Job.objects.get(pk=job_id).result_id}").json()
    assert "X-Amz-Signature=" in article["audio_url"]  # a short-lived presigned URL
    assert auth_client.delete(f"{URL}/{article['id']}").status_code == 204
    assert keys() == []
