"""Re-analyse every word-bank entry with the current analyser.

python manage.py relemmatize [--dry-run] [--user EMAIL]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from langlearn import clients
from vocab.models import LearnableWordBankEntry
from vocab.services.relemmatize import entries_relemmatize


class Command(BaseCommand):
    help = "Give every word-bank entry the current analyser's lemma, POS and key (collisions reported)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
        parser.add_argument("--user", help="only this user's entries (email)")

    def handle(self, *args, dry_run: bool = False, user: str | None = None, **options):
        entries = LearnableWordBankEntry.objects.select_related("pair").order_by("pk")
        if user:
            entries = entries.filter(user__email=user)
        total = entries.count()
        bar = tqdm(entries.iterator(chunk_size=500), total=total, disable=total < 100, file=self.stderr)
        report = entries_relemmatize(entries=bar, nlp=clients.get_nlp(), dry_run=dry_run)
        for line in report.collisions:
            self.stdout.write(f"collision: {line}")
        verb = "would update" if dry_run else "updated"
        self.stdout.write(
            f"{report.checked} entries checked, {verb} {report.updated}, {report.unchanged} unchanged, "
            f"{len(report.collisions)} collisions left unmerged"
        )
