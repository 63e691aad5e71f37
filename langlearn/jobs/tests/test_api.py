from __future__ import annotations

import uuid

import pytest

from langlearn.errors import QuotaExceeded
from langlearn.jobs.models import GenerationUsage, Job, JobStatus
from langlearn.jobs.services import job_create
from langlearn.testing import race, run_jobs

from .conftest import calls

URL = "/api/jobs/"


@pytest.mark.django_db
def test_list_and_detail_show_only_my_jobs(user, other_user, auth_client):
    mine = job_create(user=user, kind="toy", params={})
    theirs = job_create(user=other_user, kind="toy", params={})
    resp = auth_client.get(URL)
    assert resp.status_code == 200
    assert [j["id"] for j in resp.json()["results"]] == [str(mine.pk)]
    job = resp.json()["results"][0]
    assert job["status"] == "queued"
    assert job["current_step"] == "one"
    assert [s["name"] for s in job["steps"]] == ["one", "two", "three"]
    assert "output" not in job["steps"][0]
    assert auth_client.get(f"{URL}{mine.pk}").json()["kind"] == "toy"
    assert auth_client.get(f"{URL}{theirs.pk}").status_code == 404
    assert auth_client.post(f"{URL}{theirs.pk}/retry").status_code == 404
    assert auth_client.get(f"{URL}{uuid.uuid4()}").status_code == 404


@pytest.mark.django_db
def test_list_filters_by_status_and_kind_and_rejects_unknown_status(user, auth_client):
    a = job_create(user=user, kind="toy", params={})
    b = job_create(user=user, kind="toy", params={})
    Job.objects.filter(pk=b.pk).update(status=JobStatus.FAILED)
    assert [j["id"] for j in auth_client.get(URL, {"status": "failed"}).json()["results"]] == [str(b.pk)]
    assert [j["id"] for j in auth_client.get(URL, {"status": "queued"}).json()["results"]] == [str(a.pk)]
    assert auth_client.get(URL, {"kind": "adventure_scene"}).json()["results"] == []
    assert len(auth_client.get(URL, {"kind": "toy"}).json()["results"]) == 2
    assert auth_client.get(URL, {"status": "bogus"}).status_code == 400


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_the_page(user, auth_client, django_assert_max_num_queries):
    job_create(user=user, kind="toy", params={})
    with django_assert_max_num_queries(3):
        assert len(auth_client.get(URL).json()["results"]) == 1
    for _ in range(15):
        job_create(user=user, kind="toy", params={})
    with django_assert_max_num_queries(3):
        assert len(auth_client.get(URL).json()["results"]) == 16


@pytest.mark.django_db
def test_anonymous_gets_401(api_client):
    assert api_client.get(URL).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_retry_resumes_a_failed_job_at_its_failed_step(user, auth_client, broker, worker):
    job = job_create(user=user, kind="toy", params={"fail": {"two": {"retryable": False, "times": 1}}})
    run_jobs(broker, worker)
    detail = auth_client.get(f"{URL}{job.pk}").json()
    assert detail["status"] == "failed"
    assert detail["error"]
    assert detail["steps"][1]["status"] == "failed"

    resp = auth_client.post(f"{URL}{job.pk}/retry")
    assert resp.status_code == 202
    assert resp.json()["status"] == "queued"
    run_jobs(broker, worker)
    detail = auth_client.get(f"{URL}{job.pk}").json()
    assert detail["status"] == "succeeded"
    assert detail["result"] == {"type": "toy", "id": str(job.pk)}
    assert (calls(job, "one"), calls(job, "two"), calls(job, "three")) == (1, 2, 1)
    # A succeeded job cannot be retried.
    resp = auth_client.post(f"{URL}{job.pk}/retry")
    assert resp.status_code == 409
    assert resp.json()["code"] == "job_not_failed"


@pytest.mark.django_db
def test_quota_endpoint_counts_todays_jobs(user, auth_client, settings):
    settings.GENERATION_DAILY_QUOTA = 3
    job_create(user=user, kind="toy", params={})
    body = auth_client.get(f"{URL}quota").json()
    assert (body["limit"], body["used"], body["remaining"]) == (3, 1, 2)
    assert body["resets_at"]


@pytest.mark.django_db
def test_quota_exceeded_creates_nothing(user, settings):
    settings.GENERATION_DAILY_QUOTA = 1
    job_create(user=user, kind="toy", params={})
    with pytest.raises(QuotaExceeded) as exc:
        job_create(user=user, kind="toy", params={})
    assert exc.value.retry_after > 0
    assert "resets_at" in exc.value.extra
    assert Job.objects.filter(user=user).count() == 1
    # Work that must not count can opt out.
    job_create(user=user, kind="toy", params={}, count_quota=False)
    assert Job.objects.filter(user=user).count() == 2


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_creations_never_overspend_the_quota(user, settings):
    settings.GENERATION_DAILY_QUOTA = 5
    results = race(*(lambda: job_create(user=user, kind="toy", params={}) for _ in range(20)))
    outcomes = [
        "created" if isinstance(r, Job) else "refused" if isinstance(r, QuotaExceeded) else repr(r) for r in results
    ]
    assert sorted(outcomes).count("created") == 5
    assert outcomes.count("refused") == 15
    assert Job.objects.filter(user=user).count() == 5
    assert GenerationUsage.objects.get(user=user).count == 5
