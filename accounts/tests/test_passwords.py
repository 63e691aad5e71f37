"""Issue 19: password change (revokes every refresh token) and reset by email, both throttled."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient

from langlearn.testing import client_for

pytestmark = pytest.mark.django_db

OLD = "an-old-passphrase-1"
NEW = "a-brand-new-passphrase-2"


@pytest.fixture
def account(user):
    user.set_password(OLD)
    user.save()
    return user


def login(email, password):
    return APIClient().post("/api/auth/login", {"email": email, "password": password}, format="json")


def refresh(token):
    return APIClient().post("/api/auth/refresh", {"refresh_token": token}, format="json")


def test_password_change_revokes_every_refresh_token(account):
    other_device = login(account.email, OLD).json()["refresh_token"]
    client = client_for(account)
    r = client.post("/api/auth/password", {"current_password": OLD, "new_password": NEW}, format="json")
    assert r.status_code == 200, r.content
    assert refresh(other_device).status_code == 401
    assert refresh(r.json()["refresh_token"]).status_code == 200  # the asking device stays logged in
    assert login(account.email, OLD).status_code == 401
    assert login(account.email, NEW).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "wrong-passphrase", "new_password": NEW}, "current_password"),
        ({"current_password": OLD, "new_password": " " * 12}, "new_password"),
        ({"current_password": OLD, "new_password": "password123"}, "new_password"),
    ],
)
def test_password_change_refusals(account, body, field):
    r = client_for(account).post("/api/auth/password", body, format="json")
    assert r.status_code == 400
    assert field in r.json()
    assert login(account.email, OLD).status_code == 200


def test_reset_by_email_sets_the_password_once(account):
    device = login(account.email, OLD).json()["refresh_token"]
    r = APIClient().post("/api/auth/password/reset", {"email": account.email.upper()}, format="json")
    assert r.status_code == 202
    [message] = mail.outbox
    assert message.to == [account.email]
    uid, token = re.search(r"uid=([^&\s]+)&token=(\S+)", message.body).groups()

    confirm = {"uid": uid, "token": token, "new_password": NEW}
    assert APIClient().post("/api/auth/password/reset/confirm", confirm, format="json").status_code == 204
    assert login(account.email, NEW).status_code == 200
    assert refresh(device).status_code == 401  # every session ends
    again = APIClient().post("/api/auth/password/reset/confirm", {**confirm, "new_password": OLD + "x"}, format="json")
    assert again.status_code == 400  # the link works once
    assert again.json()["code"] == "reset_link_invalid"


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing():
    r = APIClient().post("/api/auth/password/reset", {"email": "nobody@example.com"}, format="json")
    assert r.status_code == 202
    assert mail.outbox == []


@pytest.mark.parametrize("uid", ["", "!!!", "MTIz", "x" * 100])
def test_reset_with_a_bad_link_is_400(account, uid):
    body = {"uid": uid or "a", "token": "nope", "new_password": NEW}
    r = APIClient().post("/api/auth/password/reset/confirm", body, format="json")
    assert r.status_code == 400
    assert r.json()["code"] == "reset_link_invalid"


def test_reset_requests_are_throttled():
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    saved = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {**api_settings.DEFAULT_THROTTLE_RATES, "password": "2/hour"}
    try:
        codes = [
            APIClient().post("/api/auth/password/reset", {"email": "a@example.com"}, format="json").status_code
            for _ in range(3)
        ]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved
    assert codes == [202, 202, 429]
