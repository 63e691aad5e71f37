"""Import accounts exported from the old FastAPI system (CSV or JSON).

Fields: email, display_name, hash (passlib `$pbkdf2-sha256$...`), created_at (ISO 8601), is_admin.
Idempotent on email: an account that already exists is left as it is. The whole file is validated
first; with any bad row nothing is written (unless --skip-invalid).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.hashers import from_passlib
from accounts.models import Account
from langlearn.commands import usage_error


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("accounts", [])
        return [(i + 1, row) for i, row in enumerate(data)]
    reader = csv.DictReader(text.splitlines())
    return [(i + 2, row) for i, row in enumerate(reader)]  # line 1 is the header


def _truthy(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "y", "t"}


class Command(BaseCommand):
    help = "Import accounts (with their passlib password hashes) from the old system's CSV/JSON export."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows anyway.")

    def handle(self, *args, file: Path, dry_run: bool, skip_invalid: bool, **options):
        if not file.is_file():
            raise usage_error(f"{file}: no such file")
        try:
            rows = _read_rows(file)
        except (json.JSONDecodeError, csv.Error, UnicodeDecodeError) as exc:
            raise usage_error(f"{file}: cannot parse: {exc}") from exc
        except OSError as exc:
            raise usage_error(f"{file}: cannot read: {exc.strerror}") from exc
        if not all(isinstance(row, dict) for _, row in rows):
            raise usage_error(f'{file}: expected a list of objects (or {{"accounts": [...]}})')

        accounts: list[Account] = []
        errors: list[str] = []
        seen: set[str] = set()
        for line, row in rows:
            email = (row.get("email") or "").strip().lower()
            try:
                if not email or "@" not in email:
                    raise ValueError("missing or invalid email")
                if email in seen:
                    raise ValueError("duplicate email in file")
                password = from_passlib((row.get("hash") or row.get("password_hash") or "").strip())
                created = row.get("created_at")
                joined = parse_datetime(created) if created else timezone.now()
                if joined is None:
                    raise ValueError(f"bad created_at {created!r}")
                if timezone.is_naive(joined):
                    joined = timezone.make_aware(joined, timezone.UTC)
            except ValueError as exc:
                errors.append(f"{file}:{line}: {exc}")
                continue
            seen.add(email)
            admin = _truthy(row.get("is_admin", False))
            accounts.append(
                Account(
                    email=email,
                    display_name=(row.get("display_name") or "")[:100],
                    password=password,
                    date_joined=joined,
                    is_staff=admin,
                    is_superuser=admin,
                )
            )

        for error in errors:
            self.stderr.write(error)
        if errors and not skip_invalid:
            raise CommandError(f"{len(errors)} invalid row(s); nothing imported.")

        existing = set(Account.objects.filter(email__in=[a.email for a in accounts]).values_list("email", flat=True))
        new = [a for a in accounts if a.email not in existing]
        if not dry_run:
            with transaction.atomic():
                Account.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        verb = "would import" if dry_run else "imported"
        self.stdout.write(f"{verb} {len(new)} account(s); {len(existing)} already present; {len(errors)} rejected.")
