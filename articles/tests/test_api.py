from __future__ import annotations

from datetime import timedelta

import pytest

from articles.models import SummariseJob, TranslatedArticle
from langlearn import storage
from langlearn.jobs.models import GenerationUsage, Job
from langlearn.testing import client_for, race

from .factories import ArticleFactory

URL = "/api/generation/articles"
TEXT = "La ciudad celebró su festival anual del río con barcos, música y comida. " * 5


def body(pair, **extra):
    return {"language_pair": str(pair.pk), "text": TEXT, **extra}


@pytest.mark.django_db
def test_request_an_article_from_text_answers_202_with_the_job(auth_client, pair):
    resp = auth_client.post(URL, body(pair, title="River", length="short"), format="json")
    assert resp.status_code == 202, resp.json()
    job = resp.json()["job"]
    assert job["kind"] == "article"
    assert job["status"] == "queued"
    assert [s["name"] for s in job["steps"]] == [
        "fetch", "write", "revise_1", "revise_2", "revise_3", "revise_4", "revise_5", "choose", "translate",
        "speak", "store",
        "analyse",
    ]  # fmt: skip
    row = SummariseJob.objects.get(pk=job["id"])
    assert row.params["level"] == pair.level  # defaults to the pair's level
    assert row.params["length"] == "short"
    assert row.params["title"] == "River"
    assert row.params["source"] == {"type": "text"}
    assert auth_client.get(f"/api/jobs/{job['id']}").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "too short"}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"text": ""}, "text"),
        ({"url": "https://example.com/a"}, "text"),  # both text and url
        ({"level": "Z9"}, "level"),
        ({"length": "epic"}, "length"),
        ({"language_pair": "not-a-uuid"}, "language_pair"),
    ],
)
def test_invalid_requests_are_400_with_the_field(auth_client, pair, payload, field):
    data = body(pair)
    data.update(payload)
    if payload.get("text") == "":
        data.pop("url", None)
    resp = auth_client.post(URL, data, format="json")
    assert resp.status_code == 400
    assert field in resp.json()
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_another_learners_pair_is_404(auth_client, other_pair):
    resp = auth_client.post(URL, body(other_pair), format="json")
    assert resp.status_code == 404
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_quota_exhausted_is_429_with_the_reset_time(auth_client, pair, settings):
    settings.GENERATION_DAILY_QUOTA = 2
    for _ in range(2):
        assert auth_client.post(URL, body(pair), format="json").status_code == 202
    resp = auth_client.post(URL, body(pair), format="json")
    assert resp.status_code == 429
    assert resp.json()["code"] == "quota_exceeded"
    assert resp.json()["limit"] == 2
    assert resp.json()["resets_at"].startswith(str(GenerationUsage.objects.get().day + timedelta(days=1)))
    assert int(resp["Retry-After"]) > 0
    assert Job.objects.count() == 2


@pytest.mark.django_db
def test_quota_day_follows_the_learners_time_zone(user, auth_client, pair, settings):
    settings.GENERATION_DAILY_QUOTA = 1
    user.time_zone = "Pacific/Kiritimati"  # UTC+14: "tomorrow" starts hours before UTC's
    user.save()
    auth_client.post(URL, body(pair), format="json")
    resp = auth_client.post(URL, body(pair), format="json")
    assert resp.status_code == 429
    assert resp.json()["resets_at"].endswith("+14:00")


@pytest.mark.django_db
def test_burst_throttle_answers_429(auth_client, pair, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "generation": "2/min",
    }
    codes = [auth_client.post(URL, body(pair), format="json").status_code for _ in range(3)]
    assert codes == [202, 202, 429]


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_requests_never_overspend_the_quota(user, pair, settings):
    settings.GENERATION_DAILY_QUOTA = 7
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "generation": "1000/min",
    }
    clients = [client_for(user) for _ in range(20)]
    codes = [r.status_code for r in race(*(lambda c=c: c.post(URL, body(pair), format="json") for c in clients))]
    assert sorted(codes) == [202] * 7 + [429] * 13
    assert SummariseJob.objects.filter(user=user).count() == 7
    assert GenerationUsage.objects.get(user=user).count == 7


@pytest.mark.django_db
def test_list_detail_and_isolation(auth_client, other_client, pair, other_pair, django_assert_max_num_queries):
    mine = ArticleFactory(pair=pair, known_word_coverage=0.5)
    theirs = ArticleFactory(pair=other_pair)
    resp = auth_client.get(URL)
    assert resp.status_code == 200
    assert [a["id"] for a in resp.json()["results"]] == [str(mine.pk)]
    detail = auth_client.get(f"{URL}/{mine.pk}").json()
    assert detail["body"] == mine.body
    assert detail["translation"] == mine.translation
    assert detail["known_word_coverage"] == 0.5
    assert auth_client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert auth_client.delete(f"{URL}/{theirs.pk}").status_code == 404
    assert TranslatedArticle.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_list_query_count_does_not_grow(auth_client, pair, django_assert_max_num_queries):
    ArticleFactory(pair=pair)
    with django_assert_max_num_queries(3):
        assert len(auth_client.get(URL).json()["results"]) == 1
    ArticleFactory.create_batch(12, pair=pair)
    with django_assert_max_num_queries(3):
        assert len(auth_client.get(URL).json()["results"]) == 13


@pytest.mark.django_db(transaction=True)
def test_delete_removes_the_audio_from_storage(auth_client, pair):
    key = "articles/some-job/audio.wav"
    storage.save_bytes(key, b"RIFF....WAVE", content_type="audio/wav")
    article = ArticleFactory(pair=pair, audio=key)
    assert auth_client.get(f"{URL}/{article.pk}").json()["audio_url"].endswith(key)
    assert auth_client.delete(f"{URL}/{article.pk}").status_code == 204
    assert not TranslatedArticle.objects.filter(pk=article.pk).exists()
    assert not storage.exists(key)


@pytest.mark.django_db
def test_anonymous_is_401(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {}, format="json").status_code == 401
