"""Verify-only hasher for passwords imported from the old FastAPI system (passlib).

passlib's `pbkdf2_sha256` format is `$pbkdf2-sha256$<rounds>$<salt>$<checksum>`, salt and checksum in
passlib's "adapted base64" (`+` written as `.`, no padding); the salt decodes to the raw PBKDF2 salt.
Django dispatches on the text before the first `$`, which is empty there, so the import rewrites the
prefix to `pbkdf2_sha256_passlib$...`. Django re-hashes with its default hasher on the next login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.translation import gettext_noop as _

PASSLIB_PREFIX = "$pbkdf2-sha256$"


def _ab64_decode(value: str) -> bytes:
    value = value.replace(".", "+")
    return base64.b64decode(value + "=" * (-len(value) % 4))


def _ab64_encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=").replace("+", ".")


def from_passlib(passlib_hash: str) -> str:
    """`$pbkdf2-sha256$29000$salt$check` → `pbkdf2_sha256_passlib$29000$salt$check` (validated)."""
    if not passlib_hash.startswith(PASSLIB_PREFIX):
        raise ValueError("not a passlib pbkdf2_sha256 hash")
    parts = passlib_hash[len(PASSLIB_PREFIX) :].split("$")
    if len(parts) != 3 or not parts[0].isdigit():
        raise ValueError("malformed passlib pbkdf2_sha256 hash")
    rounds, salt, checksum = parts
    try:
        if len(_ab64_decode(checksum)) != 32:
            raise ValueError("checksum must be 32 bytes")
        _ab64_decode(salt)
    except (ValueError, base64.binascii.Error) as exc:
        raise ValueError(f"malformed passlib pbkdf2_sha256 hash: {exc}") from exc
    return f"{PasslibPBKDF2SHA256Hasher.algorithm}${rounds}${salt}${checksum}"


class PasslibPBKDF2SHA256Hasher(BasePasswordHasher):
    algorithm = "pbkdf2_sha256_passlib"

    def encode(self, password, salt, iterations=None):
        raise NotImplementedError("Legacy passlib hashes are verify-only; Django re-hashes on login.")

    def decode(self, encoded: str) -> dict:
        algorithm, rounds, salt, checksum = encoded.split("$", 3)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "iterations": int(rounds), "salt": salt, "hash": checksum}

    def verify(self, password: str, encoded: str) -> bool:
        try:
            decoded = self.decode(encoded)
            salt = _ab64_decode(decoded["salt"])
        except (ValueError, AssertionError, base64.binascii.Error):
            return False
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, decoded["iterations"], dklen=32)
        return hmac.compare_digest(_ab64_encode(digest), decoded["hash"])

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {
            _("algorithm"): decoded["algorithm"],
            _("iterations"): decoded["iterations"],
            _("salt"): mask_hash(decoded["salt"]),
            _("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        return True

    def harden_runtime(self, password, encoded) -> None:
        pass
