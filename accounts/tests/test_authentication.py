"""Bearer tokens: the learner is read by SQL compiled once, with simplejwt's checks."""

import time
from datetime import timedelta

import pytest
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.authentication import account_by_id
from langlearn.testing import client_for

from .factories import AccountFactory

pytestmark = pytest.mark.django_db


def bearer(token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_the_learner_is_one_query_and_the_same_account(user):
    from django.db import connection

    with CaptureQueriesContext(connection) as ctx:
        loaded = account_by_id(str(user.pk))
    assert len(ctx.captured_queries) == 1
    assert (loaded.pk, loaded.email, loaded.time_zone, loaded.password) == (
        user.pk,
        user.email,
        user.time_zone,
        user.password,
    )
    assert loaded._state.adding is False
    assert account_by_id("not-a-uuid") is None


@pytest.mark.parametrize("case", ["inactive", "deleted", "bad_user_id", "no_user_id"])
def test_tokens_of_no_usable_account_are_401(case):
    user = AccountFactory()
    token = AccessToken.for_user(user)
    if case == "inactive":
        user.is_active = False
        user.save()
    elif case == "deleted":
        user.delete()
    elif case == "bad_user_id":
        token["user_id"] = "not-a-uuid"
    else:
        del token["user_id"]
    response = bearer(token).get("/api/flashcards/stats")
    assert response.status_code == 401
    assert set(response.json()) >= {"detail", "code"}


def test_a_valid_token_authenticates(user):
    assert client_for(user).get("/api/flashcards/stats").status_code == 200


def test_the_schema_still_declares_bearer_auth():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    assert schema["paths"]["/api/auth/me"]["delete"]["security"] == [{"jwtAuth": []}]


# --- verified tokens reused until they expire ----------------------------------------------------


def test_a_verified_token_is_reused_only_until_it_expires(user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=timedelta(seconds=2))
    client = bearer(token)
    assert client.get("/api/auth/me").status_code == 200
    assert client.get("/api/auth/me").status_code == 200  # from the verified tokens
    time.sleep(2.2)
    expired = client.get("/api/auth/me")
    assert expired.status_code == 401
    assert expired.json()["code"] == "token_not_valid"


def test_a_tampered_token_is_refused_while_the_genuine_one_is_remembered(user):
    token = str(AccessToken.for_user(user))
    assert bearer(token).get("/api/auth/me").status_code == 200
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    assert bearer(forged).get("/api/auth/me").status_code == 401


def test_a_remembered_token_still_fails_once_the_learner_is_deactivated(user):
    """Reuse skips only decoding and the signature check: the learner row is still read per request,
    so a deactivation (or a password change, with simplejwt's revoke check on) ends the token at once."""
    client = bearer(AccessToken.for_user(user))
    assert client.get("/api/auth/me").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/auth/me").status_code == 401
