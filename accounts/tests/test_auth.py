import pytest
from django.core.cache import cache
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import Account
from accounts.tests.factories import DEFAULT_PASSWORD, AccountFactory

pytestmark = pytest.mark.django_db


def login(api_client, email, password=DEFAULT_PASSWORD, ip="10.0.0.1"):
    return api_client.post("/api/auth/login", {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_register_creates_account_and_hides_password(api_client):
    r = api_client.post(
        "/api/auth/register", {"email": "Ana@Example.com", "password": "a-long-pass-123", "display_name": "Ana"}
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["email"] == "ana@example.com"
    assert body["display_name"] == "Ana"
    assert "password" not in body
    assert Account.objects.get(email="ana@example.com").check_password("a-long-pass-123")


def test_register_duplicate_email_is_case_insensitive(api_client):
    AccountFactory(email="ana@example.com")
    r = api_client.post("/api/auth/register", {"email": "ANA@example.com", "password": "a-long-pass-123"})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid"
    assert "already exists" in body["email"][0]
    assert Account.objects.filter(email__iexact="ana@example.com").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": "a-long-pass-123"}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com", "password": "password123"}, "password"),  # too common
        ({"password": "a-long-pass-123"}, "email"),
    ],
)
def test_register_rejects_bad_input_with_field_errors(api_client, payload, field):
    r = api_client.post("/api/auth/register", payload)
    assert r.status_code == 400
    assert field in r.json()
    assert r.json()["detail"]


def test_login_returns_bearer_pair_with_short_access_lifetime(api_client, user):
    r = login(api_client, user.email)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 15 * 60
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api_client.get("/api/auth/me").json()["email"] == user.email


def test_login_email_is_case_insensitive(api_client, user):
    assert login(api_client, user.email.upper()).status_code == 200


def test_login_wrong_password_is_401_with_error_shape(api_client, user):
    r = login(api_client, user.email, "wrong-password")
    assert r.status_code == 401
    assert r.json() == {"detail": "Incorrect email or password.", "code": "invalid_credentials"}


def test_login_is_throttled_per_email_and_ip_after_failures(api_client, user):
    for _ in range(5):
        assert login(api_client, user.email, "wrong").status_code == 401
    r = login(api_client, user.email, DEFAULT_PASSWORD)  # even the right password now waits
    assert r.status_code == 429
    assert r.json()["code"] == "login_throttled"
    assert int(r["Retry-After"]) > 0
    # another IP (or another email) is not affected
    assert login(api_client, user.email, ip="10.0.0.2").status_code == 200
    cache.clear()
    assert login(api_client, user.email).status_code == 200


def test_refresh_rotates_and_blacklists_the_old_token(api_client, user):
    tokens = login(api_client, user.email).json()
    r = api_client.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert r.status_code == 200
    rotated = r.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["token_type"] == "bearer"
    again = api_client.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]})
    assert again.status_code == 401
    assert again.json()["code"] == "token_not_valid"
    # Reusing a rotated token revokes its family (issue 19): the newest token is dead too.
    assert api_client.post("/api/auth/refresh", {"refresh_token": rotated["refresh_token"]}).status_code == 401


def test_refresh_with_garbage_is_401(api_client):
    r = api_client.post("/api/auth/refresh", {"refresh_token": "not-a-token"})
    assert r.status_code == 401
    assert r.json()["code"] == "token_not_valid"


def test_logout_blacklists_refresh_token(api_client, user):
    tokens = login(api_client, user.email).json()
    assert api_client.post("/api/auth/logout", {"refresh_token": tokens["refresh_token"]}).status_code == 204
    assert BlacklistedToken.objects.filter(token__user=user).count() == 1
    assert api_client.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}).status_code == 401


def test_logout_with_invalid_token_is_400(api_client):
    r = api_client.post("/api/auth/logout", {"refresh_token": "nope"})
    assert r.status_code == 400
    assert r.json()["code"] == "token_not_valid"


def test_me_requires_authentication(api_client):
    r = api_client.get("/api/auth/me")
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"


def test_me_patch_updates_profile_but_not_privileges(auth_client, user):
    r = auth_client.patch(
        "/api/auth/me", {"display_name": "Neo", "time_zone": "Europe/Madrid", "is_staff": True, "email": "x@y.z"}
    )
    assert r.status_code == 400  # not a silent 200 that changed half of what was asked
    assert r.json()["is_staff"] == ["This field cannot be changed."]
    assert r.json()["email"] == ["This field cannot be changed."]
    user.refresh_from_db()
    assert (user.display_name, user.is_staff) != ("Neo", True)
    assert user.email != "x@y.z"
    r = auth_client.patch("/api/auth/me", {"display_name": "Neo", "time_zone": "Europe/Madrid"})
    assert r.status_code == 200
    user.refresh_from_db()
    assert (user.display_name, user.time_zone, user.is_staff) == ("Neo", "Europe/Madrid", False)


def test_me_patch_rejects_unknown_time_zone(auth_client):
    r = auth_client.patch("/api/auth/me", {"time_zone": "Mars/Olympus"})
    assert r.status_code == 400
    assert "time_zone" in r.json()


def test_me_delete_removes_account_and_tokens(api_client, user):
    tokens = login(api_client, user.email).json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert api_client.delete("/api/auth/me").status_code == 204
    assert not Account.objects.filter(pk=user.pk).exists()
    assert not OutstandingToken.objects.filter(token=tokens["refresh_token"]).exists()
    assert api_client.get("/api/auth/me").status_code == 401
    api_client.credentials()
    assert api_client.post("/api/auth/refresh", {"refresh_token": tokens["refresh_token"]}).status_code == 401
