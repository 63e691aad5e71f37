"""A word-bank key renamed by a re-analysis (`manage.py relemmatize`): the learner's explicit mark
follows the word to its new key, so "casa" marked known under the old analyser's key "casar" is still
known under "casa"."""

from __future__ import annotations

import uuid

from django.utils import timezone

from ..models import WordStatusMark


def word_status_mark_rekey(*, pair_id: uuid.UUID, old_key: str, new_key: str, dry_run: bool = False) -> str:
    """Move the pair's mark on `old_key` to `new_key` unless `new_key` has a mark of its own (the
    learner's word on the new key wins; the old mark stays where it is, nothing is deleted).
    Returns what happened: "moved", "kept" (new key already marked) or "" (no mark on the old key).
    The status, source and batch of the mark are kept: this is a rename, not a status change, so no
    status event is written."""
    if old_key == new_key:
        return ""
    mark = WordStatusMark.objects.select_for_update().filter(pair_id=pair_id, key=old_key).first()
    if mark is None:
        return ""
    if WordStatusMark.objects.filter(pair_id=pair_id, key=new_key).exists():
        return "kept"
    if not dry_run:
        WordStatusMark.objects.filter(pk=mark.pk).update(key=new_key, updated_at=timezone.now())
    return "moved"
