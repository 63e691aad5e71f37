"""Pack entries re-analysed with the current analyser (`manage.py relemmatize`, issue 14).

A pack entry has no lemma column: its key is its normalised text (`pack_entry_unique_text`), the
editors' natural key for imports, which no analyser changes, so re-analysis cannot make two entries
of a pack collide on it. What it changes: an entry whose POS the editor left blank gets the
analyser's (an editor's POS is never overwritten), and two entries of one pack whose texts now share
a lemma ("libro", "libros") are reported — both stay, the editor decides; a learner adding the pack
gets them as one word once the word bank is re-analysed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from langlearn.clients.base import NLPClient
from vocab.services import normalize_key, word_analyze
from vocab.services.enrich import WordAnalysis
from vocab.services.relemmatize import pos_disagrees

from ..models import WordBankPack, WordBankPackEntry


@dataclass
class PacksReport:
    checked: int = 0
    pos_filled: int = 0
    collisions: list[str] = field(default_factory=list)


def pack_entries_reanalyse(
    *, nlp: NLPClient, dry_run: bool = False, progress: Callable[[int], None] | None = None
) -> PacksReport:
    """Fill blank POS of every pack's entries and report lemma collisions per pack. Idempotent: a
    filled POS is not blank on the next run; collisions are reported again until an editor acts."""
    report = PacksReport()
    cache: dict[tuple[str, str], WordAnalysis] = {}
    for pack in WordBankPack.objects.order_by("pk").only("pk", "slug", "target_language"):
        rows = list(
            WordBankPackEntry.objects.filter(pack=pack)
            .order_by("position", "created_at")
            .values_list("pk", "text", "part_of_speech")
        )
        report.checked += len(rows)
        if not rows or not nlp.supports(pack.target_language):
            if progress:
                progress(len(rows))
            continue
        by_lemma: dict[str, list[str]] = defaultdict(list)
        fills: dict[str, list] = defaultdict(list)  # POS -> entry ids
        for pk, text, pos in rows:
            analysis = cache.get((pack.target_language, text))
            if analysis is None:
                analysis = word_analyze(text=text, language=pack.target_language, nlp=nlp)
                cache[(pack.target_language, text)] = analysis
            if pos_disagrees(pos, analysis.part_of_speech):
                lemma = text  # the editor's reading of an ambiguous word wins ("vino" the noun)
            else:
                lemma = analysis.lemma or text
                if not pos and analysis.part_of_speech:
                    fills[analysis.part_of_speech].append(pk)
            by_lemma[normalize_key(lemma)].append(text)
        for lemma, texts in by_lemma.items():
            if len(texts) > 1:
                report.collisions.append(
                    f"pack {pack.slug}: {', '.join(repr(t) for t in texts)} share the lemma {lemma!r}; all kept"
                )
        report.pos_filled += sum(len(ids) for ids in fills.values())
        if not dry_run and fills:
            with transaction.atomic():
                for pos, ids in fills.items():
                    # Only still blank: an editor who set a POS meanwhile keeps it.
                    WordBankPackEntry.objects.filter(pk__in=ids, part_of_speech="").update(
                        part_of_speech=pos, updated_at=timezone.now()
                    )
        if progress:
            progress(len(rows))
    return report
