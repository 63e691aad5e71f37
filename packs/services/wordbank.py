"""Adding a pack to a learner's word bank: every entry (source = pack) with its flashcards, in a
handful of statements whatever the size of the pack (vocab's set-based `entries_copy`)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, NullIf

from knowledge.models import StatusSource
from knowledge.selectors import word_statuses
from knowledge.services import word_status_changes_record
from langlearn.errors import InvalidInput, NotFound
from vocab.models import EntrySource
from vocab.selectors import pair_get_for_user
from vocab.services import COPIED_FIELDS, entries_copy

from ..models import WordBankPack
from ..selectors import pack_entries


@dataclass(frozen=True)
class AddResult:
    added: int
    already_present: int


def pack_add_to_word_bank(*, user, pack_id: UUID, pair_id: UUID) -> AddResult:
    """Copy a published pack's entries (translation, example, audio) into `user`'s word bank for
    `pair`, with flashcards. Entries already in the word bank (same normalised lemma) are left as
    they are; a second call adds nothing. 404 for someone else's pair or an unpublished pack,
    400 when the languages differ."""
    pack = WordBankPack.objects.filter(id=pack_id, published=True).first()
    if pack is None:
        raise NotFound("No such pack.")
    pair = pair_get_for_user(user=user, pair_id=pair_id)
    if (pair.source_language, pair.target_language) != (pack.source_language, pack.target_language):
        raise InvalidInput(
            f"This pack is {pack.source_language}→{pack.target_language}; the language pair is "
            f"{pair.source_language}→{pair.target_language}.",
            code="language_mismatch",
        )
    # The word's word-bank key: its lemma's once the pack was analysed (`lemma_key`), else its text.
    key = Coalesce(NullIf(F("lemma_key"), Value("")), F("normalized_text"))
    rows = pack_entries(pack=pack).values(*COPIED_FIELDS, key=key)
    keys = list(dict.fromkeys(pack_entries(pack=pack).annotate(key=key).values_list("key", flat=True)))
    with transaction.atomic():
        before = word_statuses(pair=pair, keys=keys)
        copied = entries_copy(pair=pair, rows=rows, source=EntrySource.PACK, source_ref=pack.pk)
        # The words the pack made learning are logged with source "pack" (knowledge's event log).
        word_status_changes_record(pair=pair, keys=keys, before=before, source=StatusSource.PACK)
    return AddResult(added=copied.added, already_present=copied.total - copied.added)
