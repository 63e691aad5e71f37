"""The pack catalogue screen: the packs for the learner's pair, grouped by CEFR level."""

from __future__ import annotations

from typing import Any

from langlearn.languages import CEFRLevel
from packs.models import WordBankPackEntry
from packs.selectors import packs_for_learner, packs_with_preview
from vocab.models import UserLanguagePair

from .common import media, pair_summary

PREVIEW_ENTRIES = 5
MAX_PACKS = 200  # a screen, not an export: the full list is paginated at /api/packs


def packs_screen(*, user, pair: UserLanguagePair | None) -> dict[str, Any]:
    """Published packs for the pair's languages (every published pack for a learner without a pair),
    each with its entry count, its first entries and whether the learner already added it. Two
    queries: the packs, then the previews of all of them at once (a windowed prefetch)."""
    qs = packs_for_learner(user=user)
    if pair is not None:
        qs = qs.filter(source_language=pair.source_language, target_language=pair.target_language)
    packs = list(packs_with_preview(qs.order_by("level", "title", "id"), size=PREVIEW_ENTRIES)[: MAX_PACKS + 1])
    truncated = len(packs) > MAX_PACKS
    by_level: dict[str, list[dict[str, Any]]] = {}
    for pack in packs[:MAX_PACKS]:
        by_level.setdefault(pack.level, []).append(
            {
                "id": str(pack.pk),
                "title": pack.title,
                "slug": pack.slug,
                "description": pack.description,
                "source_language": pack.source_language,
                "target_language": pack.target_language,
                "level": pack.level,
                "tags": pack.tags,
                "entry_count": pack.entry_count,
                "already_added": pack.already_added,
                "cover_image_url": media(pack.cover_image.name) if pack.cover_image else None,
                "preview": [_entry(e) for e in pack.preview_entries],
            }
        )
    return {
        "language_pair": str(pair.pk) if pair else None,
        "pair": pair_summary(pair) if pair else None,
        "levels": [{"level": level, "packs": by_level[level]} for level in CEFRLevel.values if level in by_level],
        "truncated": truncated,
    }


def _entry(entry: WordBankPackEntry) -> dict[str, Any]:
    return {
        "text": entry.text,
        "translation": entry.translation,
        "part_of_speech": entry.part_of_speech,
        "audio_url": media(entry.audio),
    }
