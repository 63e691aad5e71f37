"""Issue 19, accounts: one address is one account (NFKC + case folding), lockout and throttling by
that key, no blank passwords, refresh-token reuse revokes the family, CORS from the environment."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.email_keys import normalize_stored_emails
from accounts.models import Account, email_key
from langlearn.testing import race

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-1"
SIS = "sis@example.com"
DOTLESS = "s\u0131s@example.com"  # dotless i: UPPER() makes it SIS
LONG_S = "si\u017f@example.com"  # long s: casefold makes it sis


def register(email, password=PASSWORD):
    return APIClient().post("/api/auth/register", {"email": email, "password": password}, format="json")


def login(email, password=PASSWORD, client=None):
    return (client or APIClient()).post("/api/auth/login", {"email": email, "password": password}, format="json")


def test_email_key_folds_case_and_compatibility_forms():
    assert email_key("  Sis@Example.COM ") == SIS
    assert email_key(LONG_S) == SIS
    assert email_key("SI\u017f@EXAMPLE.com") == SIS
    assert email_key("\uff53is@example.com") == SIS  # fullwidth s (NFKC)
    assert email_key(DOTLESS) != SIS  # a different address, not a case variant


def test_case_variants_are_one_account_and_lookalikes_their_own():
    assert register(SIS).status_code == 201
    assert register("SIS@example.com").status_code == 400
    assert register(LONG_S).status_code == 400
    assert register(DOTLESS, password="another-passphrase-2").status_code == 201
    assert Account.objects.count() == 2
    assert login(LONG_S).status_code == 200
    assert login("Sis@Example.com").status_code == 200
    # The dotless address logs into its own account only: SIS's password does not open it.
    assert login(DOTLESS).status_code == 401
    assert login(DOTLESS, password="another-passphrase-2").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_case_fold_variants_create_one_account():
    results = race(*(lambda e=e: register(e) for e in (SIS, "SIS@example.com", LONG_S, "Si\u017f@example.com")))
    assert sorted(r.status_code for r in results) == [201, 400, 400, 400]
    assert Account.objects.filter(email=SIS).count() == 1
    assert login(LONG_S).status_code == 200


def test_lockout_covers_every_spelling_of_the_address(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    register("kiss@example.com")
    for _ in range(5):
        assert login("kiss@example.com", password="wrong-password-0").status_code == 401
    for spelling in ("KISS@example.com", "ki\u017fs@example.com"):
        r = login(spelling)
        assert r.status_code == 429, (spelling, r.content)
        assert r.json()["code"] == "login_throttled"
    # The dotless spelling is another address (no account): it does not open kiss's account.
    assert login("k\u0131ss@example.com").status_code in {401, 429}


def test_login_is_throttled_by_THROTTLE_LOGIN(settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "login": "3/min"}
    SimpleRateThrottle.THROTTLE_RATES, saved = rates, SimpleRateThrottle.THROTTLE_RATES
    try:
        register("rate@example.com")
        codes = [login("rate@example.com").status_code for _ in range(4)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved
    assert codes == [200, 200, 200, 429]


@pytest.mark.parametrize("password", [" " * 8, " " * 20, "\t\n  \u3000   \u00a0 "])
def test_blank_passwords_are_refused(password):
    r = register("blank@example.com", password=password)
    assert r.status_code == 400
    assert "password" in r.json()
    assert not Account.objects.exists()


def test_reusing_a_rotated_refresh_token_revokes_the_family(user):
    user.set_password(PASSWORD)
    user.save()
    tokens = login(user.email).json()
    rotated = APIClient().post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")
    assert rotated.status_code == 200
    newest = rotated.json()["refresh_token"]
    other_device = login(user.email).json()["refresh_token"]

    replay = APIClient().post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}, format="json")
    assert replay.status_code == 401
    for token in (newest, other_device):
        r = APIClient().post("/api/auth/refresh", {"refresh_token": token}, format="json")
        assert r.status_code == 401, "a reused token must revoke every refresh token of the account"
    live = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    assert not live.exists()


def test_a_forged_reused_token_logs_nobody_out(user):
    from rest_framework_simplejwt.tokens import RefreshToken

    good = RefreshToken.for_user(user)
    payload = dict(good.payload)
    import jwt

    forged = jwt.encode(payload, "not-our-key-" * 4, algorithm="HS256")
    r = APIClient().post("/api/auth/refresh", {"refresh_token": forged}, format="json")
    assert r.status_code == 401
    assert not BlacklistedToken.objects.exists()


def test_stored_emails_are_normalised_idempotently(capsys):
    a = Account.objects.create_user(email="x@example.com", password=PASSWORD)
    Account.objects.filter(pk=a.pk).update(email="Mixed.Case@Example.COM")  # an old row
    b = Account.objects.create_user(email="y@example.com", password=PASSWORD)
    Account.objects.filter(pk=b.pk).update(email="MIXED.case@example.com")  # its old duplicate
    call_command("normalize_emails", "--dry-run")
    assert "1 would change, 1 collisions" in capsys.readouterr().out
    assert Account.objects.filter(email="Mixed.Case@Example.COM").exists()  # dry run wrote nothing
    report = normalize_stored_emails(Account)
    assert report.changed == [("Mixed.Case@Example.COM", "mixed.case@example.com")]
    assert report.collisions == [("MIXED.case@example.com", "mixed.case@example.com")]
    assert normalize_stored_emails(Account).changed == []  # idempotent


@pytest.mark.parametrize(
    ("origin", "allowed"), [("https://app.langlearn.example", True), ("https://evil.example", False)]
)
def test_cors_allows_only_configured_origins(settings, origin, allowed):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.langlearn.example"]
    r = APIClient().options("/api/auth/login", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert (r.headers.get("Access-Control-Allow-Origin") == origin) is allowed


def test_no_cors_origin_by_default():
    r = APIClient().get("/healthz", HTTP_ORIGIN="https://app.langlearn.example")
    assert "Access-Control-Allow-Origin" not in r.headers
