"""Rebuild the reader's stored tokens of articles with the current analyser.

python manage.py rebuild_reader_tokens [--dry-run] [--force] [--user EMAIL]
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import TranslatedArticle
from articles.reader_tokens import articles_reader_tokens_rebuild
from langlearn import clients


class Command(BaseCommand):
    help = "Re-analyse articles whose stored reader tokens are stale (or all of them with --force)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
        parser.add_argument("--force", action="store_true", help="rebuild current tokens too (a new analyser)")
        parser.add_argument("--user", help="only this user's articles (email)")

    def handle(self, *args, dry_run: bool = False, force: bool = False, user: str | None = None, **options):
        articles = TranslatedArticle.objects.only("pk", "body", "language", "reader_tokens").order_by("pk")
        if user:
            articles = articles.filter(user__email=user)
        total = articles.count()
        bar = tqdm(articles.iterator(chunk_size=100), total=total, disable=total < 20, file=self.stderr)
        report = articles_reader_tokens_rebuild(articles=bar, nlp=clients.get_nlp(), dry_run=dry_run, force=force)
        verb = "would rebuild" if dry_run else "rebuilt"
        self.stdout.write(
            f"{report.checked} articles checked, {verb} {report.rebuilt}, {report.current} current, "
            f"{report.skipped} skipped (no analyser for the language, or the body changed meanwhile)"
        )
