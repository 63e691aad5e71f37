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
    *, merges: list[tuple[LearnableWordBankEntry, list[LearnableWordBankEntry], str]], dry_run: bool = False
) -> list[EntryMerge]:
    """For each (survivor, entries merged into it, key) of one pair: the cards move, the content is
    combined and the merged entries are deleted, a few statements for the whole list. Call it
    inside a transaction; the caller then gives each survivor its key."""
    flat = [(survivor, merged, key) for survivor, others, key in merges for merged in others]
    if any(s.pair_id != m.pair_id or s.pk == m.pk for s, m, _ in flat):
        raise ValueError("entries of one pair, two different ones, are merged")
    cards = flashcards_merge_entries(merges=[(s.pk, m.pk) for s, m, _ in flat], dry_run=dry_run)
    reports = []
    changed: dict[object, tuple[LearnableWordBankEntry, set[str]]] = {}
    for survivor, merged, key in flat:
        report = EntryMerge(
            pair_id=survivor.pair_id,
            key=key,
            survivor=f"{survivor.text!r} ({survivor.pk})",
            merged=f"{merged.text!r} ({merged.pk})",
        )
        moved = cards[merged.pk]
        report.cards_moved, report.cards_combined, report.events_moved = (
            moved.moved,
            moved.combined,
            moved.events_moved,
        )
        changes = _combined(survivor, merged, report)
        for name, value in changes.items():
            setattr(survivor, name, value)  # a third entry of the word is combined with the result
        if changes:
            changed.setdefault(survivor.pk, (survivor, set()))[1].update(changes)
        reports.append(report)
    if dry_run:
        return reports
    # The merged entries go first: their cards are gone, and their keys must be free for the survivors.
    LearnableWordBankEntry.objects.filter(pk__in=[m.pk for _, m, _ in flat]).delete()
    fields = sorted({name for _, names in changed.values() for name in names})
    if fields:
        now = timezone.now()
        for survivor, _ in changed.values():
            survivor.updated_at = now
        LearnableWordBankEntry.objects.bulk_update([s for s, _ in changed.values()], [*fields, "updated_at"])
    return reports
