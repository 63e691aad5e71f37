"""Account rules: registration, login with failure throttling, token lifecycle, deletion."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework import exceptions
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from langlearn.errors import InvalidInput, QuotaExceeded

from .models import Account, email_key

logger = logging.getLogger(__name__)

LOGIN_MAX_FAILURES = 5
LOGIN_FAILURE_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "bearer"  # noqa: S105 - the OAuth token type, not a secret


def _tokens_for(refresh: RefreshToken) -> TokenPair:
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    return TokenPair(
        access_token=str(refresh.access_token),
        refresh_token=str(refresh),
        expires_in=int(lifetime.total_seconds()),
    )


def account_register(*, email: str, password: str, display_name: str = "") -> Account:
    email = email_key(email)
    if Account.objects.filter(email=email).exists():
        raise exceptions.ValidationError({"email": ["An account with this email already exists."]})
    candidate = Account(email=email, display_name=display_name)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"password": list(exc.messages)}) from exc
    try:
        with transaction.atomic():
            return Account.objects.create_user(email=email, password=password, display_name=display_name)
    except IntegrityError as exc:  # a concurrent registration won the race
        raise exceptions.ValidationError({"email": ["An account with this email already exists."]}) from exc


def _failure_key(email: str, ip: str) -> str:
    # The same key as the account's: a look-alike spelling cannot start a fresh count.
    digest = hashlib.sha256(f"{email_key(email)}|{ip}".encode()).hexdigest()
    return f"login-failures:{digest}"


def account_login(*, email: str, password: str, ip: str, request=None) -> TokenPair:
    """Check the password (PBKDF2, ~0.25 s) unless this email+IP has failed too often lately."""
    key = _failure_key(email, ip)
    failures = cache.get(key, 0)
    if failures >= LOGIN_MAX_FAILURES:
        raise QuotaExceeded(
            "Too many failed logins; wait a few minutes and try again.",
            code="login_throttled",
            retry_after=LOGIN_FAILURE_WINDOW_SECONDS,
        )
    account = authenticate(request, email=email_key(email), password=password)
    if account is None:
        if cache.add(key, 1, LOGIN_FAILURE_WINDOW_SECONDS) is False:
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, LOGIN_FAILURE_WINDOW_SECONDS)
        raise exceptions.AuthenticationFailed("Incorrect email or password.", code="invalid_credentials")
    cache.delete(key)
    return _tokens_for(RefreshToken.for_user(account))


def token_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: a new pair is issued and the presented refresh token is blacklisted."""
    from rest_framework_simplejwt.serializers import TokenRefreshSerializer

    serializer = TokenRefreshSerializer(data={"refresh": refresh_token})
    try:
        serializer.is_valid(raise_exception=True)
    except TokenError as exc:
        _revoke_family_on_reuse(refresh_token)
        raise exceptions.AuthenticationFailed(str(exc), code="token_not_valid") from exc
    except Account.DoesNotExist as exc:  # the account was deleted after the token was issued
        raise exceptions.AuthenticationFailed("Token is invalid.", code="token_not_valid") from exc
    data = serializer.validated_data
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    return TokenPair(
        access_token=data["access"], refresh_token=data["refresh"], expires_in=int(lifetime.total_seconds())
    )


def _revoke_family_on_reuse(refresh_token: str) -> None:
    """A refresh token that was already rotated (or logged out) is presented again: either the
    client is confused or someone copied it. Whoever holds the newest token of that family cannot
    be told apart from the thief, so every refresh token of the account is revoked (OAuth 2.0
    Security BCP, refresh token rotation) and the learner logs in again. Only a token with a valid
    signature counts: a forged one cannot log anyone out."""
    from rest_framework_simplejwt.exceptions import TokenBackendError
    from rest_framework_simplejwt.state import token_backend
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    try:
        payload = token_backend.decode(refresh_token, verify=True)
    except (TokenError, TokenBackendError):
        return
    jti, user_id = payload.get("jti"), payload.get(settings.SIMPLE_JWT["USER_ID_CLAIM"])
    if not jti or not user_id or not BlacklistedToken.objects.filter(token__jti=jti).exists():
        return
    revoked_at = cache.get(_revoked_key(user_id))
    if revoked_at is not None and payload.get("iat", 0) <= revoked_at:
        return  # revoked with all the others (a password change): an old device, not a replay
    logger.warning("Refresh token reuse for account %s: revoking every refresh token", user_id)
    revoke_all_refresh_tokens(user_id=user_id)


def _revoked_key(user_id) -> str:
    return f"refresh-revoked-at:{user_id}"


def revoke_all_refresh_tokens(*, user_id) -> int:
    """Blacklist every outstanding refresh token of the account; returns how many were live."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    live = list(OutstandingToken.objects.filter(user_id=user_id, blacklistedtoken__isnull=True))
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=t) for t in live], ignore_conflicts=True)
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"].total_seconds()
    cache.set(_revoked_key(user_id), int(time.time()), int(lifetime))
    return len(live)


def token_logout(*, refresh_token: str) -> None:
    try:
        RefreshToken(refresh_token).blacklist()
    except TokenError as exc:
        raise InvalidInput(f"Invalid refresh token: {exc}", code="token_not_valid") from exc


def account_delete(*, account: Account) -> None:
    """Remove the account, every row that belongs to it (cascades through the domain apps) and every
    stored object it owns (audio, exports): those are queued in the same transaction and deleted by
    the `purge_media` job, retried until storage confirms, so nothing stays downloadable."""
    from langlearn.data_rights import account_purge_queue
    from langlearn.jobs.outbox import send_after_commit
    from langlearn.jobs.tasks import purge_media

    with transaction.atomic():
        account_purge_queue(account)
        OutstandingToken.objects.filter(user=account).delete()  # FK is SET_NULL upstream: delete explicitly
        account.delete()
        send_after_commit(purge_media)


def account_export_start(*, user: Account):
    """Queue a job building the ZIP of everything the learner owns (no generation quota spent)."""
    from langlearn.data_rights import EXPORT_JOB_KIND
    from langlearn.jobs.services import job_create

    return job_create(user=user, kind=EXPORT_JOB_KIND, params={}, count_quota=False)


def account_export_latest(*, user: Account):
    from langlearn.data_rights import EXPORT_JOB_KIND
    from langlearn.jobs.models import Job

    return Job.objects.filter(user=user, kind=EXPORT_JOB_KIND).order_by("-created_at").first()


def password_change(*, account: Account, current_password: str, new_password: str) -> TokenPair:
    """Change the password and revoke every refresh token (every device logs in again); answers a
    fresh token pair so the device that asked stays logged in."""
    if not account.check_password(current_password):
        raise exceptions.ValidationError({"current_password": ["The current password is not correct."]})
    _validate_new_password(new_password, account)
    account.set_password(new_password)
    account.save(update_fields=["password"])
    revoke_all_refresh_tokens(user_id=account.pk)
    return _tokens_for(RefreshToken.for_user(account))


def _validate_new_password(password: str, account: Account) -> None:
    try:
        validate_password(password, user=account)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"new_password": list(exc.messages)}) from exc


def password_reset_request(*, email: str) -> None:
    """Email a reset link when the address has an account; say nothing either way (no account
    enumeration). The link carries Django's one-time token (PASSWORD_RESET_TIMEOUT, 3 days by
    default; invalid once the password changed)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    account = Account.objects.filter(email=email_key(email), is_active=True).first()
    if account is None or not account.has_usable_password():
        return
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    token = default_token_generator.make_token(account)
    link = settings.PASSWORD_RESET_URL.format(uid=uid, token=token)
    send_mail(
        subject="Reset your Langlearn password",
        message=f"Someone asked to reset the password of this Langlearn account.\n\n{link}\n\n"
        "If it was not you, ignore this email: nothing changes.",
        from_email=None,
        recipient_list=[account.email],
    )


def password_reset_confirm(*, uid: str, token: str, new_password: str) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_str
    from django.utils.http import urlsafe_base64_decode

    invalid = InvalidInput("This reset link is invalid or has expired.", code="reset_link_invalid")
    try:
        account = Account.objects.get(pk=force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError, DjangoValidationError, Account.DoesNotExist):
        raise invalid from None
    if not default_token_generator.check_token(account, token):
        raise invalid
    _validate_new_password(new_password, account)
    account.set_password(new_password)
    account.save(update_fields=["password"])
    revoke_all_refresh_tokens(user_id=account.pk)
