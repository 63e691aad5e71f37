"""Editor and learner actions on whole packs: publish, unpublish, duplicate, add to a word bank."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from ..models import WordBankPack, WordBankPackEntry
from .bulk import COLUMNS

COPIED_FIELDS = COLUMNS[1:]  # every entry column but its pack


def packs_publish(*, packs: QuerySet[WordBankPack]) -> int:
    """Publish the given packs; returns how many changed (already published ones keep their date)."""
    return packs.filter(published=False).update(published=True, published_at=timezone.now(), updated_at=timezone.now())


def packs_unpublish(*, packs: QuerySet[WordBankPack]) -> int:
    """Unpublish; `published_at` is cleared, so it always says since when a pack is live (the home
    screen orders new packs by it, and a republished pack counts as new again)."""
    return packs.filter(published=True).update(published=False, published_at=None, updated_at=timezone.now())


def pack_entry_next_position(*, pack: WordBankPack) -> int:
    """The position after the pack's last entry (an entry added without one goes at the end)."""
    last = pack.entries.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def pack_duplicate(*, pack: WordBankPack, user=None) -> WordBankPack:
    """An unpublished copy with every entry, slug `<slug>-copy[-n]`."""
    base = slugify(f"{pack.slug}-copy")[:90]
    taken = set(WordBankPack.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    with transaction.atomic():
        copy = WordBankPack.objects.create(
            title=f"{pack.title} (copy)"[:200],
            slug=slug,
            description=pack.description,
            source_language=pack.source_language,
            target_language=pack.target_language,
            level=pack.level,
            tags=list(pack.tags),
            cover_image=pack.cover_image.name if pack.cover_image else "",
            created_by=user if getattr(user, "pk", None) else None,
        )
        WordBankPackEntry.objects.bulk_create(
            WordBankPackEntry(pack=copy, **values)
            for values in WordBankPackEntry.objects.filter(pack=pack).values(*COPIED_FIELDS)
        )
    return copy
