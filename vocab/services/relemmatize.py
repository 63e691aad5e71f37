"""Re-analyse word-bank entries with the current analyser (issue 14: new lemmas and POS)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from langlearn.clients.base import NLPClient

from ..models import LearnableWordBankEntry
from .enrich import normalize_key, word_analyze


@dataclass
class RelemmatizeReport:
    checked: int = 0
    updated: int = 0
    unchanged: int = 0
    collisions: list[str] = field(default_factory=list)


def entries_relemmatize(
    *, entries: Iterable[LearnableWordBankEntry], nlp: NLPClient, dry_run: bool = False
) -> RelemmatizeReport:
    """Give each entry the lemma, POS and key of the current analyser. An entry whose new key another
    entry of its pair already holds is left as it is and reported: merging would have to move cards
    and review history between entries, which this command does not do, so nothing is ever lost.
    Idempotent: a second run finds every entry unchanged (or the same collisions)."""
    report = RelemmatizeReport()
    for entry in entries:
        report.checked += 1
        analysis = word_analyze(text=entry.text, language=entry.pair.target_language, nlp=nlp)
        key = normalize_key(analysis.lemma or entry.text)
        if (entry.lemma, entry.part_of_speech, entry.normalized_lemma) == (
            analysis.lemma,
            analysis.part_of_speech,
            key,
        ):
            report.unchanged += 1
            continue
        if key != entry.normalized_lemma:
            other = (
                LearnableWordBankEntry.objects.filter(pair_id=entry.pair_id, normalized_lemma=key)
                .exclude(pk=entry.pk)
                .first()
            )
            if other is not None:
                report.collisions.append(
                    f"pair {entry.pair_id}: {entry.text!r} ({entry.pk}) now has key {key!r}, held by "
                    f"{other.text!r} ({other.pk}); left unmerged, cards kept"
                )
                continue
        report.updated += 1
        if dry_run:
            continue
        with transaction.atomic():
            LearnableWordBankEntry.objects.filter(pk=entry.pk).update(
                lemma=analysis.lemma, part_of_speech=analysis.part_of_speech, normalized_lemma=key
            )
    return report
