"""Import word packs from CSV, JSON or Anki .apkg files (formats: packs/services/formats.py, anki.py).

    manage.py import_packs packs/fixtures/demo/* --publish
    manage.py import_packs new.csv --dry-run          # report only
    manage.py import_packs fixed.csv --update         # also change entries that differ

Idempotent by natural keys (pack slug, entry text): rerunning a file changes nothing. A pack with
any invalid row is not written; the others are. Exit status 1 when anything was rejected.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from langlearn.commands import usage_error
from langlearn.errors import DomainError
from langlearn.languages import LANGUAGES
from packs.models import WordBankPack
from packs.services import ImportSource, packs_import


class Command(BaseCommand):
    help = "Import word packs from CSV / JSON / .apkg files (idempotent; see --dry-run, --update, --publish)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Validate and report; write nothing.")
        parser.add_argument("--update", action="store_true", help="Change existing entries/packs that differ.")
        parser.add_argument("--publish", action="store_true", help="Publish the imported packs.")
        parser.add_argument("--pack", help="Slug of an existing pack for files without a pack_slug column.")
        parser.add_argument("--source-language", choices=sorted(LANGUAGES), help="For .apkg files from elsewhere.")
        parser.add_argument("--target-language", choices=sorted(LANGUAGES), help="For .apkg files from elsewhere.")

    def handle(self, *args, **options) -> None:
        sources = []
        for path in options["files"]:
            if not path.is_file():
                raise usage_error(f"{path}: no such file")
            try:
                sources.append(ImportSource(name=str(path), data=path.read_bytes()))
            except OSError as exc:
                raise usage_error(f"{path}: cannot read: {exc.strerror}") from exc
        into = None
        if options["pack"]:
            into = WordBankPack.objects.filter(slug=options["pack"]).first()
            if into is None:
                raise usage_error(f"no pack with slug {options['pack']!r}")
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            bar = bars.get(stage)
            if bar is None:
                bar = bars[stage] = tqdm(total=total, desc=stage, unit="rows", disable=options["verbosity"] == 0)
            bar.update(done - bar.n)

        try:
            report = packs_import(
                sources=sources,
                dry_run=options["dry_run"],
                update=options["update"],
                publish=options["publish"],
                into_pack=into,
                defaults={
                    "source_language": options["source_language"],
                    "target_language": options["target_language"],
                },
                progress=progress,
            )
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        finally:
            for bar in bars.values():
                bar.close()
        for pack in report.packs if options["verbosity"] >= 1 else []:
            self.stdout.write(
                f"{pack.file}: {pack.slug or '?'} — {pack.action}; entries {pack.created} created, "
                f"{pack.updated} updated, {pack.unchanged} unchanged, {pack.skipped} kept, {pack.rejected} rejected"
            )
        for error in report.errors:
            self.stderr.write(self.style.ERROR(str(error)))
        style = self.style.SUCCESS if report.ok else self.style.WARNING
        self.stdout.write(style(report.summary()))
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s); packs with errors were not written.")
