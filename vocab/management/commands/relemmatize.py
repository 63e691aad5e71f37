"""Re-analyse existing data with the current analyser (issue 14).

    python manage.py relemmatize [--dry-run] [--user EMAIL] [--pair ID] [--batch-size N]
                                 [--skip-packs] [--skip-articles] [--rebuild-articles]

1. Word-bank entries get the new lemma, POS and key; entries of a pair that now share a key are merged
   into the oldest (cards and review history kept; one report line per merge), and the learner's
   status marks follow the keys that moved.
2. Pack entries get a POS where the editor gave none; words of one pack that now share a lemma are
   reported (the pack's key is its text, an editor's natural key, so both are kept).
3. Reader token caches made by an older pipeline are cleared (rebuilt lazily on the next read), or
   rebuilt now with --rebuild-articles.

Idempotent: a second run changes nothing. Migration vocab 0006 runs the same `relemmatize_all`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.reanalysis import TokensReport, reader_tokens_refresh
from knowledge.services.rekey import word_status_marks_rekey
from langlearn import clients
from langlearn.clients.base import NLPClient
from packs.models import WordBankPackEntry
from packs.services.reanalysis import PacksReport, pack_entries_reanalyse
from vocab.models import LearnableWordBankEntry
from vocab.services.relemmatize import RelemmatizeReport, entries_relemmatize, pairs_to_relemmatize


@dataclass
class Reanalysis:
    entries: RelemmatizeReport
    packs: PacksReport | None
    articles: TokensReport | None


def relemmatize_all(
    *,
    nlp: NLPClient,
    dry_run: bool = False,
    user_email: str | None = None,
    pair_id: str | None = None,
    batch_size: int = 500,
    packs: bool = True,
    articles: bool = True,
    rebuild_articles: bool = False,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
) -> Reanalysis:
    """The whole re-analysis; `progress(label, total)` returns the callback told of each step."""
    pairs = pairs_to_relemmatize(user_email=user_email, pair_id=pair_id)
    entries = LearnableWordBankEntry.objects.filter(pair__in=pairs)
    entries_report = entries_relemmatize(
        pairs=pairs,
        nlp=nlp,
        dry_run=dry_run,
        batch_size=batch_size,
        on_key_moved=word_status_marks_rekey,
        progress=progress("word bank", entries.count()) if progress else None,
    )
    packs_report = articles_report = None
    # A learner's or a pair's run is about their word bank; packs and articles are everyone's.
    if packs and not (user_email or pair_id):
        total = WordBankPackEntry.objects.count()
        packs_report = pack_entries_reanalyse(
            nlp=nlp, dry_run=dry_run, progress=progress("packs", total) if progress else None
        )
    if articles and not (user_email or pair_id):
        articles_report = reader_tokens_refresh(
            nlp=nlp, dry_run=dry_run, rebuild=rebuild_articles, progress=progress("articles", 0) if progress else None
        )
    return Reanalysis(entries=entries_report, packs=packs_report, articles=articles_report)


class Command(BaseCommand):
    help = "Re-analyse word-bank entries (merging those that now share a key), pack entries and reader tokens."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
        parser.add_argument("--user", help="only this learner's word bank (email)")
        parser.add_argument("--pair", help="only this language pair's word bank (id)")
        parser.add_argument("--batch-size", type=int, default=500, help="words per transaction (default 500)")
        parser.add_argument("--skip-packs", action="store_true", help="leave pack entries alone")
        parser.add_argument("--skip-articles", action="store_true", help="leave reader token caches alone")
        parser.add_argument(
            "--rebuild-articles", action="store_true", help="analyse stale articles now instead of clearing them"
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        bars: list[tqdm] = []

        def progress(label: str, total: int) -> Callable[[int], None]:
            bar = tqdm(total=total or None, desc=label, unit="word", file=self.stderr, disable=None)
            bars.append(bar)
            return bar.update

        dry_run = options["dry_run"]
        try:
            result = relemmatize_all(
                nlp=clients.get_nlp(),
                dry_run=dry_run,
                user_email=options["user"],
                pair_id=options["pair"],
                batch_size=options["batch_size"],
                packs=not options["skip_packs"],
                articles=not options["skip_articles"],
                rebuild_articles=options["rebuild_articles"],
                progress=progress,
            )
        finally:
            for bar in bars:
                bar.close()
        for line in report_lines(result, dry_run=dry_run):
            self.stdout.write(line)


def report_lines(result: Reanalysis, *, dry_run: bool) -> list[str]:
    """One line per merge, kept or skipped word and pack collision, then a summary per part."""
    would = "would " if dry_run else ""
    entries = result.entries
    lines = [f"{'would merge' if dry_run else 'merge'}: {merge}" for merge in entries.merges]
    lines += [f"kept: {line}" for line in entries.kept]
    lines += [f"skipped: {line}" for line in entries.skipped]
    lines.append(
        f"word bank: {entries.checked} entries checked, {would}update {entries.updated}, "
        f"{entries.unchanged} unchanged, {would}merge {len(entries.merges)}, "
        f"{would}move {entries.marks_moved} status marks ({entries.marks_kept} kept: the new key had one)"
    )
    if result.packs is not None:
        lines += [f"pack collision: {line}" for line in result.packs.collisions]
        lines.append(
            f"packs: {result.packs.checked} pack entries checked, {would}set the word-bank key of "
            f"{result.packs.keys_set}, {would}fill POS of {result.packs.pos_filled}, "
            f"{len(result.packs.collisions)} lemma collisions reported"
        )
    if result.articles is not None:
        a = result.articles
        lines.append(
            f"articles: {a.stale} with tokens of an older analyser would be refreshed"
            if dry_run
            else f"articles: {a.stale} with tokens of an older analyser, cleared {a.cleared}, "
            f"rebuilt {a.rebuilt}, {a.failed} failed"
        )
    return lines
