"""Pack entries re-analysed with the current analyser (`manage.py relemmatize`, issue 14).

A pack entry's own key is its normalised text (`pack_entry_unique_text`), the editors' natural key
for imports, which no analyser changes, so re-analysis cannot make two entries of a pack collide on
it. What it sets: `lemma_key`, the key the word has in a learner's word bank (its lemma's), so adding
the pack after the word bank was re-analysed finds the re-keyed copies instead of adding them again;
a POS where the editor left it blank (an editor's POS is never overwritten, and where it contradicts
the analysis of the lone word — "vino" the noun, read as "venir" — the text stays the key, as in the
word bank). Two entries of one pack whose texts share a lemma ("libro", "libros") are reported and
both kept: the editor decides; a learner adding the pack gets the word once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
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
    keys_set: int = 0

    def lines(self, *, dry_run: bool) -> list[str]:
        would = "would " if dry_run else ""
        return [f"pack collision: {line}" for line in self.collisions] + [
            f"packs: {self.checked} pack entries checked, {would}set the word-bank key of {self.keys_set}, "
            f"{would}fill POS of {self.pos_filled}, {len(self.collisions)} lemma collisions reported"
        ]

    collisions: list[str] = field(default_factory=list)


def _save_lemma_keys(rows: list[tuple]) -> None:
    """(id, text key, lemma key) rows; a row whose text an editor changed meanwhile is left alone
    (its lemma key would be another word's). PostgreSQL: one UPDATE ... FROM unnest for a pack."""
    now = timezone.now()
    if connection.vendor != "postgresql":
        for pk, text_key, key in rows:
            WordBankPackEntry.objects.filter(pk=pk, normalized_text=text_key).update(lemma_key=key, updated_at=now)
        return
    table = WordBankPackEntry._meta.db_table
    sql = (
        f"UPDATE {table} AS e SET lemma_key = v.key, updated_at = %s "  # noqa: S608 — the model's table
        "FROM unnest(%s::uuid[], %s::text[], %s::text[]) AS v(id, text_key, key) "
        "WHERE e.id = v.id AND e.normalized_text = v.text_key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *(list(column) for column in zip(*rows, strict=True))])


def pack_entries_reanalyse(
    *, nlp: NLPClient, dry_run: bool = False, progress: Callable[[int], None] | None = None, **_options
) -> PacksReport:
    """Set every pack entry's word-bank key, fill blank POS and report lemma collisions per pack.
    Idempotent: keys and filled POS are found as they should be on the next run; collisions are
    reported again until an editor acts."""
    report = PacksReport()
    cache: dict[tuple[str, str], WordAnalysis] = {}
    for pack in WordBankPack.objects.order_by("pk").only("pk", "slug", "target_language"):
        rows = list(
            WordBankPackEntry.objects.filter(pack=pack)
            .order_by("position", "created_at")
            .values_list("pk", "text", "part_of_speech", "lemma_key", "normalized_text")
        )
        report.checked += len(rows)
        if not rows or not nlp.supports(pack.target_language):
            if progress:
                progress(len(rows))
            continue
        by_lemma: dict[str, list[str]] = defaultdict(list)
        fills: dict[str, list] = defaultdict(list)  # POS -> entry ids
        keys: list[tuple] = []  # (id, the text key it was analysed for, lemma key) of keys that change
        for pk, text, pos, stored_key, text_key in rows:
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
            key = normalize_key(lemma)
            by_lemma[key].append(text)
            if key != stored_key:
                keys.append((pk, text_key, key))
        for lemma, texts in by_lemma.items():
            if len(texts) > 1:
                report.collisions.append(
                    f"pack {pack.slug}: {', '.join(repr(t) for t in texts)} share the lemma {lemma!r}; all kept"
                )
        report.pos_filled += sum(len(ids) for ids in fills.values())
        report.keys_set += len(keys)
        if not dry_run and (fills or keys):
            with transaction.atomic():
                _save_lemma_keys(keys)
                for pos, ids in fills.items():
                    # Only still blank: an editor who set a POS meanwhile keeps it.
                    WordBankPackEntry.objects.filter(pk__in=ids, part_of_speech="").update(
                        part_of_speech=pos, updated_at=timezone.now()
                    )
        if progress:
            progress(len(rows))
    return report
