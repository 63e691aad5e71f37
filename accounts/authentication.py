"""Bearer-token authentication: simplejwt's, with the learner read by SQL compiled once.

Every API request authenticates, so the user lookup is the most run query there is; building and
compiling `Account.objects.get(id=...)` each time cost more CPU than the database spent on it. The
checks are simplejwt's own (active user, token revoked by a password change when that is on)."""

from __future__ import annotations

import time
import uuid

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from langlearn.compiled import Placeholders, compiled_query

from .models import Account

_FIELDS = tuple(f.attname for f in Account._meta.concrete_fields)


def _account_query(p: Placeholders) -> QuerySet:
    return Account.objects.filter(pk=p.user).values_list(*_FIELDS)


def account_by_id(user_id) -> Account | None:
    """The account with this id, or None (also for an id that is not a UUID)."""
    try:
        user_id = user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id))
    except ValueError:
        return None
    rows = compiled_query(_account_query).rows(user=user_id)
    return Account.from_db(connection.alias, _FIELDS, rows[0]) if rows else None


# Tokens this process has verified, until they expire: a learner's app sends the same access token
# with every request for its 15 minutes, and decoding + HMAC-checking it again cost a tenth of the due
# queue's CPU. Only what verification would answer again is reused: the signature and type of these
# exact bytes, and `exp`, checked on every use against the clock (no leeway: never later than
# simplejwt). Access tokens cannot be revoked (only refresh tokens are blacklisted); a password change
# is still caught per request in get_user. Bounded: emptied when full.
_VERIFIED: dict[bytes, tuple[float, Token]] = {}
_VERIFIED_MAX = 10_000


class JWTAuthentication(authentication.JWTAuthentication):
    def get_validated_token(self, raw_token: bytes) -> Token:
        hit = _VERIFIED.get(raw_token)
        if hit is not None and time.time() < hit[0]:
            return hit[1]
        token = super().get_validated_token(raw_token)
        exp = token.payload.get("exp")
        if isinstance(exp, int | float):
            if len(_VERIFIED) >= _VERIFIED_MAX:
                _VERIFIED.clear()
            _VERIFIED[raw_token] = (float(exp), token)
        return token

    def get_user(self, validated_token) -> Account:
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError as e:
            raise InvalidToken(_("Token contained no recognizable user identification")) from e
        user = account_by_id(user_id)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
        return user


class JWTScheme(SimpleJWTScheme):
    """The OpenAPI security scheme for it: simplejwt's, which drf-spectacular matches by class name."""

    target_class = "accounts.authentication.JWTAuthentication"
