"""Corrections to a pack reach the learners who added it earlier: new audio, and a corrected
translation unless the learner edited theirs (their copy no longer holds the pack's old text).
Copies are matched by origin (source = pack, source_ref = the pack) and word-bank key."""

from __future__ import annotations

from dataclasses import dataclass

from vocab.models import EntrySource
from vocab.services import REFRESHABLE_FIELDS, entries_refresh_from_source

from ..models import WordBankPackEntry


def pack_entry_changes_reach_learners(*, entry: WordBankPackEntry, old: dict[str, str], dry_run: bool = False) -> int:
    """Call after `entry` was saved, with the values of the refreshable fields before the change."""
    changed = 0
    for field in REFRESHABLE_FIELDS:
        if field in old:
            changed += entries_refresh_from_source(
                source=EntrySource.PACK,
                source_ref=entry.pack_id,
                key=entry.word_bank_key,
                field=field,
                old=old[field] or "",
                new=getattr(entry, field) or "",
                dry_run=dry_run,
            )
    return changed


@dataclass(frozen=True)
class AudioBackfill:
    entries: int  # pack entries with audio whose learners' copies lack it
    copies: int  # learners' copies that got (or, on a dry run, would get) the audio


def packs_audio_backfill(*, packs=None, dry_run: bool = False) -> AudioBackfill:
    """Give learners' copies without audio the audio their pack has now (for packs added before
    their audio was generated). Idempotent: a copy that has audio is never touched."""
    entries = WordBankPackEntry.objects.exclude(audio="")
    if packs is not None:
        entries = entries.filter(pack__in=packs)
    touched = copies = 0
    for entry in entries.only("id", "pack_id", "normalized_text", "lemma_key", "audio").iterator(chunk_size=500):
        found = pack_entry_changes_reach_learners(entry=entry, old={"audio": ""}, dry_run=dry_run)
        if found:
            touched += 1
            copies += found
    return AudioBackfill(entries=touched, copies=copies)


__all__ = ["AudioBackfill", "pack_entry_changes_reach_learners", "packs_audio_backfill"]
