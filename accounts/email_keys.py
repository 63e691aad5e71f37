"""Rewrite stored addresses to `email_key` (issue 19), for the data migration and the
`normalize_emails` command (`--dry-run` reports without writing). Idempotent: a second run finds
nothing to change.

Rows whose keys collide ("SIS@x" and "si\u017f@x" fold to the same address) were one learner
registering twice through the old look-alike hole; their logins already answered 500. The oldest row gets the
key, the others are left as they are and reported, for an operator to merge or delete."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import email_key


@dataclass
class EmailKeyReport:
    changed: list[tuple[str, str]] = field(default_factory=list)  # (old, new)
    collisions: list[tuple[str, str]] = field(default_factory=list)  # (left as is, key held by another)


def normalize_stored_emails(account_model, *, dry_run: bool = False) -> EmailKeyReport:
    report = EmailKeyReport()
    rows = list(account_model.objects.order_by("date_joined", "id").values_list("id", "email"))
    taken = {email for _, email in rows if email_key(email) == email}
    for pk, email in rows:
        key = email_key(email)
        if key == email:
            continue
        if key in taken:
            report.collisions.append((email, key))
            continue
        taken.add(key)
        report.changed.append((email, key))
        if not dry_run:
            account_model.objects.filter(pk=pk).update(email=key)
    return report
