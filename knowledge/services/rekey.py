"""Word-bank keys renamed by a re-analysis (`manage.py relemmatize`): the learner's explicit marks
follow the words to their new keys, so "casa" marked known under the old analyser's key "casar" is
still known under "casa"."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.utils import timezone

from langlearn.lookups import in_values

from ..models import WordStatusMark


def word_status_marks_rekey(*, pair_id: uuid.UUID, moves: Mapping[str, str], dry_run: bool = False) -> tuple[int, int]:
    """Move the pair's mark on each old key of `moves` ({old key: new key}) to its new key, unless
    the new key has a mark of its own or another old key's mark already went there (the learner's
    word on the new key wins; the other mark stays where it is, nothing is deleted). The status,
    source and batch are kept: a rename, not a status change, so no status event is written.
    Returns (marks moved, marks kept in place). One query when no mark is concerned."""
    moves = {old: new for old, new in moves.items() if old != new}
    if not moves:
        return 0, 0
    marks = dict(
        WordStatusMark.objects.select_for_update()
        .filter(in_values("key", [*moves, *moves.values()]), pair_id=pair_id)
        .order_by("pk")
        .values_list("key", "pk")
    )
    taken = {new for new in moves.values() if new in marks}
    moved = kept = 0
    for old, new in moves.items():
        if old not in marks:
            continue
        if new in taken:
            kept += 1
            continue
        taken.add(new)
        moved += 1
        if not dry_run:
            WordStatusMark.objects.filter(pk=marks[old]).update(key=new, updated_at=timezone.now())
    return moved, kept
