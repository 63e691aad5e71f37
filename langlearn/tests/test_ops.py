"""Foundation behaviour: health, readiness, error contract, schema, jobs, storage, settings."""

import os
import subprocess
import sys
from pathlib import Path

import dramatiq
import pytest
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.tasks import purge_expired_tokens
from langlearn import storage
from langlearn.testing import run_jobs

ROOT = Path(settings.BASE_DIR)


def test_healthz_needs_nothing(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client):
    r = client.get("/readyz")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "broker", "storage"}
    assert body["failed"] == []
    assert body["providers"]["llm"] in {"configured", "offline"}


@pytest.mark.django_db
def test_readyz_names_the_failing_dependency(client, monkeypatch):
    from django.core.files.storage import default_storage

    def broken(name):
        raise OSError("disk unplugged")

    monkeypatch.setattr(default_storage, "exists", broken)
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["failed"] == ["storage"]
    # Anonymous callers learn which dependency failed, not the error (hosts, ports, driver text).
    assert r.json()["checks"]["storage"] == "error"
    assert "disk unplugged" not in r.content.decode()


@pytest.mark.django_db
def test_readyz_shows_the_error_to_staff(monkeypatch):
    from django.core.files.storage import default_storage

    from accounts.tests.factories import AccountFactory, EditorFactory
    from langlearn.testing import client_for

    def broken(name):
        raise OSError("disk unplugged")

    monkeypatch.setattr(default_storage, "exists", broken)
    assert "disk unplugged" in client_for(EditorFactory()).get("/readyz").json()["checks"]["storage"]
    assert client_for(AccountFactory()).get("/readyz").json()["checks"]["storage"] == "error"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/nope", "/bff/nowhere", "/totally/unknown"])
def test_unknown_routes_answer_json_404(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_malformed_json_is_a_400_with_the_contract(api_client):
    r = api_client.generic("POST", "/api/auth/login", "{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_wrong_content_type_is_415(api_client):
    r = api_client.generic("POST", "/api/auth/login", "email=a", content_type="text/plain")
    assert r.status_code == 415
    assert r.json()["code"] == "unsupported_media_type"


@pytest.mark.django_db
def test_oversized_body_is_rejected_not_500(api_client):
    big = '{"email": "a@b.co", "password": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    r = api_client.generic("POST", "/api/auth/login", big, content_type="application/json")
    assert r.status_code in (400, 413)
    assert r.json()["code"]


def test_pagination_is_bounded():
    assert settings.REST_FRAMEWORK["PAGE_SIZE"] == 20
    from langlearn.pagination import CursorPagination, PageNumberPagination

    assert PageNumberPagination.max_page_size <= 100
    assert CursorPagination.max_page_size <= 100


@pytest.mark.django_db
def test_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/auth/login" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr.net" not in html
    assert "unpkg.com" not in html


def test_schema_validates_without_warnings(tmp_path):
    out = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]


@pytest.mark.django_db(transaction=True)
def test_actor_round_trip_through_a_real_worker(broker, worker, user):
    past = timezone.now() - timezone.timedelta(days=1)
    OutstandingToken.objects.create(user=user, jti="old", token="t-old", created_at=past, expires_at=past)
    OutstandingToken.objects.create(
        user=user, jti="new", token="t-new", created_at=past, expires_at=timezone.now() + timezone.timedelta(days=1)
    )
    purge_expired_tokens.send()
    run_jobs(broker, worker)
    assert list(OutstandingToken.objects.values_list("jti", flat=True)) == ["new"]
    assert isinstance(broker, dramatiq.brokers.stub.StubBroker)


def test_storage_round_trip_locally():
    stored = storage.save_bytes("tests/a.wav", b"RIFF1234", content_type="audio/wav")
    assert stored.key == "tests/a.wav"
    assert storage.read_bytes("tests/a.wav") == b"RIFF1234"
    storage.save_bytes("tests/a.wav", b"RIFF5678", content_type="audio/wav")  # same key: overwritten
    assert storage.read_bytes("tests/a.wav") == b"RIFF5678"
    assert storage.media_url("tests/a.wav") == "/media/tests/a.wav"
    storage.delete("tests/a.wav")
    assert not storage.exists("tests/a.wav")
    assert storage.media_url(None) is None


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "LANGLEARN_", "BROKER_URL"))}
    env.update(extra)
    return env


def test_sqlite_default_boots_and_migrates(tmp_path):
    """`make run`'s configuration: no DATABASE_URL means a SQLite file; migrations apply from scratch."""
    env = _clean_env(LANGLEARN_TESTING="0")
    probe = subprocess.run(
        [sys.executable, "-c", "import django;django.setup();from django.conf import settings as s;"
         "print(s.DATABASES['default']['ENGINE'], s.DRAMATIQ_BROKER['BROKER'], s.DRAMATIQ_INPROCESS_WORKER)"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "langlearn.settings"}, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["django.db.backends.sqlite3", "dramatiq.brokers.stub.StubBroker", "True"]

    db = tmp_path / "run.sqlite3"
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT, env={**env, "DATABASE_URL": f"sqlite:///{db}"}, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    seed = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT, env={**env, "DATABASE_URL": f"sqlite:///{db}"}, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert seed.returncode == 0, seed.stderr[-3000:]
    assert "editor@example.com" in seed.stdout


PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "prod-secret-" + "k" * 60,
    "JWT_SIGNING_KEY": "prod-jwt-" + "j" * 60,
    "ALLOWED_HOSTS": "api.langlearn.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/langlearn",
    "BROKER_URL": "redis://127.0.0.1:6379/0",
    "STORAGE_ENDPOINT_URL": "https://s3.example.com",
    "STORAGE_BUCKET": "langlearn-media",
    "ANTHROPIC_API_KEY": "sk-ant-x",
    "GEMINI_API_KEY": "g-x",
    "DEEPL_API_KEY": "d-x",
    "DEEPGRAM_API_KEY": "dg-x",
}


def test_production_settings_pass_deploy_check():
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=_clean_env(**PRODUCTION_ENV), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "JWT_SIGNING_KEY", "ALLOWED_HOSTS", "DEEPL_API_KEY", "BROKER_URL"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = _clean_env(**PRODUCTION_ENV)
    env.pop(missing)
    out = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert out.returncode != 0
    assert missing in out.stderr


@pytest.mark.django_db
def test_collection_routes_answer_with_or_without_trailing_slash(auth_client):
    for path in ("/api/jobs", "/api/jobs/", "/api/packs", "/api/packs/", "/api/vocab/language-pairs"):
        r = auth_client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        assert "results" in r.json()
    auth_client.handler.enforce_csrf_checks = True  # as a real client: no CSRF token, only the bearer
    r = auth_client.post("/api/adventures", {}, format="json")  # POST without the slash reaches the view
    assert r.status_code == 400
    assert "language_pair" in r.json()
    assert auth_client.get("/api/jobs/nothing-here/").status_code == 404
