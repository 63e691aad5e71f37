"""Word bank rules. Re-exported here so callers write `from vocab.services import entries_add`."""

from .bulk import COPIED_FIELDS, REFRESHABLE_FIELDS, EntriesCopied, entries_copy, entries_refresh_from_source
from .enrich import entry_media_generate, normalize_key, word_analyze
from .entries import MAX_ENTRIES_PER_ADD, EntryAddResult, EntryInput, entries_add, entry_delete, entry_update
from .lookup import WordLookup, word_lookup
from .pairs import pair_create, pair_delete, pair_update, validate_fsrs_parameters

__all__ = [
    "COPIED_FIELDS",
    "MAX_ENTRIES_PER_ADD",
    "REFRESHABLE_FIELDS",
    "EntriesCopied",
    "EntryAddResult",
    "EntryInput",
    "WordLookup",
    "entries_add",
    "entries_copy",
    "entries_refresh_from_source",
    "entry_delete",
    "entry_media_generate",
    "entry_update",
    "normalize_key",
    "pair_create",
    "pair_delete",
    "pair_update",
    "validate_fsrs_parameters",
    "word_analyze",
    "word_lookup",
]
