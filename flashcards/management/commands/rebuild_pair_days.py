"""Recompute the per pair per day review counters (PairDay) from the review events.

    manage.py rebuild_pair_days --dry-run              # how many rows are missing, stale or wrong
    manage.py rebuild_pair_days --email ana@example.com
    manage.py rebuild_pair_days                        # everyone

The triggers keep the counters exact as events are written; run this after a learner changes time
zone (their past days keep the old zone's boundaries until then) or after writing events with the
triggers disabled. Idempotent: a second run finds nothing to change. PostgreSQL only.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from accounts.models import Account
from flashcards.pair_days import pair_days_rebuild


class Command(BaseCommand):
    help = "Recompute PairDay review counters from the review events."

    def add_arguments(self, parser):
        parser.add_argument("--email", action="append", default=[], help="Only this learner (repeatable).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would change, change nothing.")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError("PairDay counters are kept on PostgreSQL only.")
        user_ids = None
        if opts["email"]:
            user_ids = list(Account.objects.filter(email__in=opts["email"]).values_list("pk", flat=True))
            if len(user_ids) != len(set(opts["email"])):
                raise CommandError("Unknown e-mail address among --email.")
        result = pair_days_rebuild(connection, user_ids=user_ids, dry_run=opts["dry_run"])
        verb = "would add" if opts["dry_run"] else "added"
        self.stdout.write(
            f"{verb} {result['missing']} day rows, removed {result['stale']}, corrected {result['wrong']}"
            + (" (dry run: nothing changed)" if opts["dry_run"] else "")
        )
