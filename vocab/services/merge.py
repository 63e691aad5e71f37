"""Merging two entries of one word bank that are one word (a re-analysis gave them the same key).

The older entry survives (the learner met the word first there; its id is the one clients know
longest). Nothing is lost: the cards and their review history move to it
(`flashcards.services.merging`), content it lacks is filled from the other entry, a translation or
example it has in a different wording is appended rather than dropped, and anything that cannot be
carried over (a second source, a second audio recording, which stays in storage) is named in the
merge report, which the command prints per entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from flashcards.services.merging import flashcards_merge_entries

from ..models import LearnableWordBankEntry

# Content filled from the merged entry when the survivor has none, appended when both differ.
_APPENDED = {"translation": "; ", "example_sentence": "\n", "example_translation": "\n"}
_FILLED = ("part_of_speech", "audio")


@dataclass
class EntryMerge:
    pair_id: object
    key: str
    survivor: str  # "text (id)"
    merged: str
    cards_moved: int = 0
    cards_combined: int = 0
    events_moved: int = 0
    fields: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        parts = [
            f"pair {self.pair_id}: merged {self.merged} into {self.survivor} (key {self.key!r})",
            f"{self.cards_moved} cards moved, {self.cards_combined} histories combined, "
            f"{self.events_moved} reviews moved",
        ]
        if self.fields:
            parts.append("took " + ", ".join(self.fields))
        parts += self.notes
        return "; ".join(parts)


def _combined(survivor: LearnableWordBankEntry, merged: LearnableWordBankEntry, report: EntryMerge) -> dict:
    changes: dict[str, object] = {}
    for name, joiner in _APPENDED.items():
        mine, theirs = getattr(survivor, name), getattr(merged, name)
        if not theirs or theirs.strip().lower() in mine.lower():
            continue
        value = f"{mine}{joiner}{theirs}" if mine else theirs
        max_length = LearnableWordBankEntry._meta.get_field(name).max_length
        if max_length and len(value) > max_length:
            report.notes.append(f"{name} {theirs!r} of the merged entry did not fit and is not kept")
            continue
        changes[name] = value
    for name in _FILLED:
        theirs = getattr(merged, name)
        if theirs and not getattr(survivor, name):
            changes[name] = theirs
        elif name == "audio" and theirs and theirs != survivor.audio:
            report.notes.append(f"audio {theirs} of the merged entry left in storage")
    if merged.source_ref and not survivor.source_ref:
        changes["source"], changes["source_ref"] = merged.source, merged.source_ref
    elif merged.source_ref and merged.source_ref != survivor.source_ref:
        report.notes.append(f"second source {merged.source} {merged.source_ref} not kept")
    report.fields = sorted(changes)
    return changes


def entries_merge(
    *, survivor: LearnableWordBankEntry, merged: LearnableWordBankEntry, key: str, dry_run: bool = False
) -> EntryMerge:
    """Merge entry `merged` into `survivor` (same pair) and delete it. Call inside a transaction; the
    survivor is then given `key` by the caller."""
    if survivor.pair_id != merged.pair_id or survivor.pk == merged.pk:
        raise ValueError("entries of one pair, two different ones, are merged")
    report = EntryMerge(
        pair_id=survivor.pair_id,
        key=key,
        survivor=f"{survivor.text!r} ({survivor.pk})",
        merged=f"{merged.text!r} ({merged.pk})",
    )
    cards = flashcards_merge_entries(survivor_id=survivor.pk, merged_id=merged.pk, dry_run=dry_run)
    report.cards_moved, report.cards_combined, report.events_moved = cards.moved, cards.combined, cards.events_moved
    changes = _combined(survivor, merged, report)
    if dry_run:
        return report
    for name, value in changes.items():
        setattr(survivor, name, value)
    # The merged entry goes first: it no longer has cards, and its key must be free for the survivor.
    merged.delete()
    if changes:
        LearnableWordBankEntry.objects.filter(pk=survivor.pk).update(**changes, updated_at=timezone.now())
    return report
