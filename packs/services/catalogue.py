"""Editor and learner actions on whole packs: publish, unpublish, duplicate, add to a word bank."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from flashcards.models import Flashcard
from flashcards.services import flashcards_build_for_entries
from langlearn.errors import InvalidInput, NotFound
from vocab.models import EntrySource, LearnableWordBankEntry, UserLanguagePair

from ..models import WordBankPack, WordBankPackEntry

COPIED_FIELDS = (
    "position",
    "text",
    "normalized_text",
    "translation",
    "part_of_speech",
    "example_sentence",
    "example_translation",
    "notes",
    "audio",
)


def packs_publish(*, packs: QuerySet[WordBankPack]) -> int:
    """Publish the given packs; returns how many changed (already published ones keep their date)."""
    return packs.filter(published=False).update(published=True, published_at=timezone.now(), updated_at=timezone.now())


def packs_unpublish(*, packs: QuerySet[WordBankPack]) -> int:
    return packs.filter(published=True).update(published=False, updated_at=timezone.now())


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


@dataclass(frozen=True)
class AddResult:
    added: int
    already_present: int


def pack_add_to_word_bank(*, user, pack_id: UUID, pair_id: UUID) -> AddResult:
    """Copy a published pack's entries into the learner's word bank for `pair` (source = pack),
    with their flashcards. Entries whose normalised text is already in the word bank are left as
    they are. A constant number of queries whatever the pack's size: read the pack's entries and
    the matching word bank keys once, then one bulk insert of entries and one of cards."""
    pack = WordBankPack.objects.filter(id=pack_id, published=True).first()
    if pack is None:
        raise NotFound("No such pack.")
    with transaction.atomic():
        # Locking the pair serialises two concurrent adds to the same word bank, so the entries
        # we decide to insert are the entries that get inserted (cards reference them).
        pair = UserLanguagePair.objects.select_for_update().filter(id=pair_id, user=user).first()
        if pair is None:
            raise NotFound("No such language pair.")
        if (pair.source_language, pair.target_language) != (pack.source_language, pack.target_language):
            raise InvalidInput(
                f"This pack is {pack.source_language}→{pack.target_language}; the language pair is "
                f"{pair.source_language}→{pair.target_language}.",
                code="language_mismatch",
            )
        rows = list(
            WordBankPackEntry.objects.filter(pack=pack)
            .order_by("position", "created_at")
            .values(
                "text",
                "normalized_text",
                "translation",
                "part_of_speech",
                "example_sentence",
                "example_translation",
                "audio",
            )
        )
        keys = [r["normalized_text"] for r in rows]
        present = set(
            LearnableWordBankEntry.objects.filter(pair=pair, normalized_lemma__in=keys).values_list(
                "normalized_lemma", flat=True
            )
        )
        new = [
            LearnableWordBankEntry(
                user_id=user.id,
                pair=pair,
                text=r["text"],
                lemma="",
                normalized_lemma=r["normalized_text"],
                part_of_speech=r["part_of_speech"],
                translation=r["translation"],
                example_sentence=r["example_sentence"],
                example_translation=r["example_translation"],
                audio=r["audio"],
                source=EntrySource.PACK,
                source_ref=pack.id,
            )
            for r in rows
            if r["normalized_text"] not in present
        ]
        if new:
            LearnableWordBankEntry.objects.bulk_create(new, batch_size=5000)
            Flashcard.objects.bulk_create(
                flashcards_build_for_entries(pair=pair, entries=new), batch_size=10000, ignore_conflicts=True
            )
    return AddResult(added=len(new), already_present=len(rows) - len(new))
