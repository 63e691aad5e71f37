"""Re-analyse existing data with the current analyser (issue 14).

    python manage.py relemmatize [--dry-run] [--user EMAIL] [--pair ID] [--batch-size N]
                                 [--skip-packs] [--skip-articles] [--rebuild-articles]

1. Word-bank entries get the new lemma, POS and key; entries of a pair that now share a key are merged
   into the oldest (cards and review history kept; one report line per merge), and the learner's
   status marks follow the keys that moved (knowledge registers that).
2. What the apps above vocab registered in `vocab.reanalysis`: pack entries (their word-bank key, a
   POS where the editor gave none, lemma collisions reported) and reader token caches of an older
   pipeline (cleared and rebuilt lazily on the next read, or rebuilt now with --rebuild-articles).

Idempotent: a second run changes nothing. Migration vocab 0006 runs the same `relemmatize_all`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand
from tqdm import tqdm

from langlearn import clients
from langlearn.clients.base import NLPClient
from langlearn.commands import positive_int, usage_error, uuid_arg
from vocab.models import LearnableWordBankEntry
from vocab.reanalysis import REANALYSERS, Report, keys_moved
from vocab.services.relemmatize import RelemmatizeReport, entries_relemmatize, pairs_to_relemmatize

Progress = Callable[[str, int], Callable[[int], None]]


@dataclass
class Reanalysis:
    entries: RelemmatizeReport
    others: dict[str, Report] = field(default_factory=dict)


def relemmatize_all(
    *,
    nlp: NLPClient,
    dry_run: bool = False,
    user_email: str | None = None,
    pair_id: str | None = None,
    batch_size: int = 500,
    skip: frozenset[str] = frozenset(),
    rebuild: bool = False,
    progress: Progress | None = None,
) -> Reanalysis:
    """The whole re-analysis; `progress(label, total)` returns the callback told of each step."""
    pairs = pairs_to_relemmatize(user_email=user_email, pair_id=pair_id)
    total = LearnableWordBankEntry.objects.filter(pair__in=pairs).count() if progress else 0
    result = Reanalysis(
        entries=entries_relemmatize(
            pairs=pairs,
            nlp=nlp,
            dry_run=dry_run,
            batch_size=batch_size,
            on_key_moved=keys_moved,
            progress=progress("word bank", total) if progress else None,
        )
    )
    if user_email or pair_id:
        return result  # a learner's or a pair's run is about their word bank; packs and articles are everyone's
    for name, reanalyser in REANALYSERS.items():
        if name in skip:
            continue
        step = progress(name, reanalyser.count()) if progress else None
        result.others[name] = reanalyser.run(nlp=nlp, dry_run=dry_run, rebuild=rebuild, progress=step)
    return result


def report_lines(result: Reanalysis, *, dry_run: bool) -> list[str]:
    """One line per merge, kept or skipped word, then a summary per part."""
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
    for report in result.others.values():
        lines += report.lines(dry_run=dry_run)
    return lines


class Command(BaseCommand):
    help = "Re-analyse word-bank entries (merging those that now share a key), pack entries and reader tokens."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would change, change nothing")
        parser.add_argument("--user", help="only this learner's word bank (email)")
        parser.add_argument("--pair", type=uuid_arg, help="only this language pair's word bank (id)")
        parser.add_argument("--batch-size", type=positive_int, default=500, help="words per transaction (default 500)")
        parser.add_argument("--skip-packs", action="store_true", help="leave pack entries alone")
        parser.add_argument("--skip-articles", action="store_true", help="leave reader token caches alone")
        parser.add_argument(
            "--rebuild-articles",
            action="store_true",
            help="analyse stale articles now (tokens, key vocabulary, coverage) instead of clearing their tokens",
        )

    def handle(self, *args, **options):
        pairs = pairs_to_relemmatize(user_email=options["user"], pair_id=options["pair"])
        if (options["user"] or options["pair"]) and not pairs.exists():
            missing = f"language pair with id {options['pair']}" if options["pair"] else f"learner {options['user']}"
            raise usage_error(f"no {missing} (with a word bank to re-analyse)")
        bars: list[tqdm] = []

        def progress(label: str, total: int) -> Callable[[int], None]:
            bar = tqdm(total=total or None, desc=label, unit="word", file=self.stderr, disable=None)
            bars.append(bar)
            return bar.update

        skip = {name for name in ("packs", "articles") if options[f"skip_{name}"]}
        try:
            result = relemmatize_all(
                nlp=clients.get_nlp(),
                dry_run=options["dry_run"],
                user_email=options["user"],
                pair_id=options["pair"],
                batch_size=options["batch_size"],
                skip=frozenset(skip),
                rebuild=options["rebuild_articles"],
                progress=progress,
            )
        finally:
            for bar in bars:
                bar.close()
        for line in report_lines(result, dry_run=options["dry_run"]):
            self.stdout.write(line)
