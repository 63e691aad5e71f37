"""Pack services: import/export, catalogue actions, enrichment (translations, audio)."""

from .catalogue import pack_duplicate, pack_entry_next_position, packs_publish, packs_unpublish
from .exporting import FORMATS, Exported, packs_export
from .importing import ImportSource, packs_import
from .learners import AudioBackfill, pack_entry_changes_reach_learners, packs_audio_backfill
from .report import ImportReport
from .wordbank import AddResult, pack_add_to_word_bank

__all__ = [
    "FORMATS",
    "AddResult",
    "AudioBackfill",
    "Exported",
    "ImportReport",
    "ImportSource",
    "pack_add_to_word_bank",
    "pack_duplicate",
    "pack_entry_changes_reach_learners",
    "pack_entry_next_position",
    "packs_audio_backfill",
    "packs_export",
    "packs_import",
    "packs_publish",
    "packs_unpublish",
]
