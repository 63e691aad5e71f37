"""Give learners the audio their packs have now (packs they added before the audio was generated).

    manage.py backfill_pack_audio --dry-run          # count what would change
    manage.py backfill_pack_audio [SLUG ...]         # all packs, or these

Idempotent: a learner's entry that has audio is never touched, so rerunning changes nothing. New
audio reaches learners by itself from now on; this is for what was added before.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from langlearn.commands import usage_error
from packs.models import WordBankPack
from packs.services import packs_audio_backfill


class Command(BaseCommand):
    help = "Copy pack audio to learners' entries from those packs that have none (idempotent; --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Pack slugs (default: every pack).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args, slugs: list[str], dry_run: bool, **options):
        packs = None
        if slugs:
            packs = WordBankPack.objects.filter(slug__in=slugs)
            missing = set(slugs) - set(packs.values_list("slug", flat=True))
            if missing:
                raise usage_error(f"no pack with slug {', '.join(sorted(missing))}")
        result = packs_audio_backfill(packs=packs, dry_run=dry_run)
        verb = "would get" if dry_run else "got"
        self.stdout.write(f"{result.copies} learner entries {verb} audio from {result.entries} pack entries.")
