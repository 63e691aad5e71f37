"""Build the placement test's lemma lists ahead of time (deploy, image build), so no learner's
first placement in a language waits for its list (~30 s for Spanish on a loaded 2-core machine).

python manage.py placement_lists [--language es --language fr | --all] [--dry-run]

Without a language: the target languages of the existing language pairs. A list already built for
the current wordfreq, simplemma and analyser models is left alone, so a rerun only builds what is
missing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from knowledge.frequency import frequency_language, lemma_list_cached, ranked_lemmas, supported_languages
from vocab.models import UserLanguagePair


class Command(BaseCommand):
    help = "Lemmatise wordfreq's lists for the placement test and cache them (per language)."

    def add_arguments(self, parser):
        parser.add_argument("--language", action="append", default=[], help="a language code (repeatable)")
        parser.add_argument("--all", action="store_true", help="every language wordfreq has a list for")
        parser.add_argument("--dry-run", action="store_true", help="say what would be built, build nothing")

    def handle(self, *args, **options):
        language: list[str] = options["language"]
        dry_run: bool = options["dry_run"]
        if options["all"]:
            wanted = sorted(supported_languages())
        elif language:
            wanted = language
        else:
            wanted = sorted(set(UserLanguagePair.objects.values_list("target_language", flat=True)))
        unsupported = [code for code in wanted if frequency_language(code) is None]
        if language and unsupported:
            raise CommandError(f"wordfreq has no list for: {', '.join(unsupported)}")
        languages = sorted({frequency_language(code) for code in wanted} - {None})
        built = kept = 0
        for lang in languages:
            if lemma_list_cached(lang):
                kept += 1
                self.stdout.write(f"{lang}: already built")
                continue
            if dry_run:
                self.stdout.write(f"{lang}: would build")
                continue
            started = time.perf_counter()
            lemmas = ranked_lemmas(lang)
            built += 1
            self.stdout.write(f"{lang}: {len(lemmas):,} lemmas in {time.perf_counter() - started:.1f} s")
        verb = "would build" if dry_run else "built"
        self.stdout.write(
            f"{len(languages)} language(s): {verb} {len(languages) - kept if dry_run else built}, {kept} already built"
        )
