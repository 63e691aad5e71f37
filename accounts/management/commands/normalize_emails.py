from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.email_keys import normalize_stored_emails
from accounts.models import Account


class Command(BaseCommand):
    help = "Store every account's email as its email_key (NFKC + case folding). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        with transaction.atomic():
            report = normalize_stored_emails(Account, dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        for old, new in report.changed:
            self.stdout.write(f"{verb}: {old} -> {new}")
        for old, key in report.collisions:
            self.stdout.write(f"collision, left as is: {old} (its key {key} belongs to an older account)")
        self.stdout.write(f"{len(report.changed)} {verb}, {len(report.collisions)} collisions")
