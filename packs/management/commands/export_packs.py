"""Export word packs in the formats import_packs reads (csv, json, apkg), so they round-trip.

manage.py export_packs --format csv > packs.csv
manage.py export_packs everyday-spanish --format apkg -o everyday-spanish.apkg
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from langlearn.commands import usage_error, writable_file
from packs.models import WordBankPack
from packs.services import FORMATS, packs_export


class Command(BaseCommand):
    help = "Export packs (all, or the given slugs) as csv, json or an Anki .apkg."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", help="Pack slugs (default: every pack).")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "-o", "--output", type=writable_file, help="File to write (default: stdout; required for apkg)."
        )
        parser.add_argument("--published", action="store_true", help="Only published packs.")

    def handle(self, *args, **options) -> None:
        packs = WordBankPack.objects.order_by("slug")
        if options["slugs"]:
            packs = packs.filter(slug__in=options["slugs"])
            missing = set(options["slugs"]) - set(packs.values_list("slug", flat=True))
            if missing:
                raise usage_error(f"no pack with slug {', '.join(sorted(missing))}")
        if options["published"]:
            packs = packs.filter(published=True)
        if not packs.exists():
            raise CommandError("no packs to export")
        if options["format"] == "apkg" and not options["output"]:
            raise usage_error("--output is required for apkg")
        exported = packs_export(packs=packs, fmt=options["format"])
        if options["output"]:
            try:
                options["output"].write_bytes(exported.data)
            except OSError as exc:
                raise usage_error(f"{options['output']}: cannot write: {exc.strerror}") from exc
            self.stderr.write(f"Wrote {len(exported.data)} bytes to {options['output']}")
        else:
            self.stdout.write(exported.data.decode(), ending="")
