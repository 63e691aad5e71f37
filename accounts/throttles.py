"""Login throttling by THROTTLE_LOGIN (default 5/min) per address and client IP, on every attempt.

The address is keyed by email_key, the same key the account is found by, so look-alike spellings
share one budget. The failure lockout in services.account_login keys the same way."""

from __future__ import annotations

import hashlib

from rest_framework.throttling import SimpleRateThrottle

from .models import email_key


class LoginThrottle(SimpleRateThrottle):
    scope = "login"

    def get_cache_key(self, request, view):
        email = request.data.get("email") if isinstance(request.data, dict) else None
        ident = self.get_ident(request)
        address = email_key(email) if isinstance(email, str) else ""
        return self.cache_format % {"scope": self.scope, "ident": self._hash(f"{address}|{ident}")}

    @staticmethod
    def _hash(value: str) -> str:
        return hashlib.sha256(value.encode()).hexdigest()
