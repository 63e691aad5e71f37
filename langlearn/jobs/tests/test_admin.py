import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from accounts.models import Account
from langlearn.jobs.models import Job, JobStatus
from langlearn.jobs.services import job_create


@pytest.fixture
def admin_client(client, db):
    admin = Account.objects.create_superuser("root@example.com", "pw-long-enough-123")
    client.force_login(admin)
    return client


@pytest.mark.django_db
def test_admin_lists_jobs_and_retries_failed_ones(admin_client, user):
    failed = job_create(user=user, kind="toy", params={})
    running = job_create(user=user, kind="toy", params={})
    Job.objects.filter(pk=failed.pk).update(status=JobStatus.FAILED, error="The translator failed: boom", attempts=5)
    Job.objects.filter(pk=running.pk).update(status=JobStatus.RUNNING)

    page = admin_client.get("/admin/jobs/job/?status__exact=failed")
    assert page.status_code == 200
    assert "The translator failed: boom" in page.content.decode()

    resp = admin_client.post(
        "/admin/jobs/job/",
        {"action": "retry_jobs", ACTION_CHECKBOX_NAME: [str(failed.pk), str(running.pk)]},
        follow=True,
    )
    assert resp.status_code == 200
    assert [str(m) for m in resp.context["messages"]] == ["1 job(s) re-queued; 1 not failed, left alone."]
    failed.refresh_from_db()
    running.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (JobStatus.QUEUED, 0, "")
    assert running.status == JobStatus.RUNNING


@pytest.mark.django_db
def test_article_admin_pages_render(admin_client):
    assert admin_client.get("/admin/articles/summarisejob/").status_code == 200
    assert admin_client.get("/admin/articles/translatedarticle/").status_code == 200
