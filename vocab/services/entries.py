"""Adding words to a word bank — the one door every feature uses (manual add, bulk add, packs,
articles, adventures) — plus editing and deleting them.

`entries_add` runs the provider calls first (NLP is local; translation is one batch call, only for
words not already there), then writes entries and their cards in one transaction, and enqueues the
audio job once that transaction has committed."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from flashcards.services import flashcards_create_for_entries
from langlearn import storage
from langlearn.clients.base import NLPClient, TranslationClient
from langlearn.errors import Conflict, InvalidInput

from ..models import EntrySource, LearnableWordBankEntry, UserLanguagePair
from ..selectors import entries_existing_lemmas
from .enrich import check_text, normalize_key, texts_translate, word_analyze

MAX_ENTRIES_PER_ADD = 500
EDITABLE_FIELDS = ("text", "lemma", "part_of_speech", "translation", "example_sentence", "example_translation")


@dataclass
class EntryInput:
    """One word to add. `None` means "not given: fill it in"; an explicit value (even "") is kept."""

    text: str
    lemma: str | None = None
    part_of_speech: str | None = None
    translation: str | None = None
    example_sentence: str = ""
    example_translation: str = ""


@dataclass(frozen=True)
class EntryAddResult:
    entry: LearnableWordBankEntry
    created: bool


def _enqueue_media(entry_ids: list[uuid.UUID]) -> None:
    from langlearn.jobs.outbox import send_now_or_later

    from ..tasks import entry_media_generate

    # Runs after commit: a broker that is down keeps the message for the sweep instead of turning
    # the committed request into a 500 that the client would retry (issue 19).
    for entry_id in entry_ids:
        send_now_or_later(entry_media_generate, str(entry_id))


def entries_add(
    *,
    pair: UserLanguagePair,
    items: Sequence[EntryInput],
    source: str = EntrySource.MANUAL,
    source_ref: uuid.UUID | None = None,
    nlp: NLPClient,
    translator: TranslationClient,
) -> list[EntryAddResult]:
    """Add words to `pair`'s word bank; one result per item, in order. A word whose normalised lemma
    is already there (or repeated in `items`) is not added again: its result has `created=False`.
    New entries get their flashcards, and a job that speaks them (and fills a failed translation)."""
    if len(items) > MAX_ENTRIES_PER_ADD:
        raise InvalidInput(f"At most {MAX_ENTRIES_PER_ADD} words per request.", code="too_many_entries")
    if source not in EntrySource.values:
        raise InvalidInput(f"Unknown source: {source}.")

    prepared: list[dict[str, Any]] = []
    for item in items:
        text = check_text(item.text)
        lemma, pos = item.lemma, item.part_of_speech
        if lemma is None or pos is None:
            analysis = word_analyze(text=text, language=pair.target_language, nlp=nlp)
            lemma = analysis.lemma if lemma is None else lemma
            pos = analysis.part_of_speech if pos is None else pos
        lemma = " ".join(lemma.split())[:200]
        prepared.append(
            {
                "text": text,
                "lemma": lemma,
                "part_of_speech": pos[:16],
                "translation": item.translation,
                "example_sentence": item.example_sentence or "",
                "example_translation": item.example_translation or "",
                "key": normalize_key(lemma or text),
            }
        )

    existing = entries_existing_lemmas(pair=pair, normalized_lemmas=[p["key"] for p in prepared])
    new_by_key: dict[str, dict[str, Any]] = {}
    for p in prepared:
        if p["key"] not in existing and p["key"] not in new_by_key:
            new_by_key[p["key"]] = p

    # Paid call, outside any transaction, only for new words the caller gave no translation for.
    untranslated = [p for p in new_by_key.values() if p["translation"] is None]
    if untranslated:
        translated = texts_translate(texts=[p["text"] for p in untranslated], pair=pair, translator=translator)
        for p, text in zip(untranslated, translated, strict=True):
            p["translation"] = text
    created_ids: set[uuid.UUID] = set()
    if new_by_key:
        created_ids = _entries_insert(pair=pair, new=list(new_by_key.values()), source=source, source_ref=source_ref)
        existing = entries_existing_lemmas(pair=pair, normalized_lemmas=[p["key"] for p in prepared])

    results: list[EntryAddResult] = []
    reported: set[uuid.UUID] = set()
    for p in prepared:
        entry = existing[p["key"]]
        # A word repeated within one request is "created" once, then reported as already there.
        created = entry.pk in created_ids and entry.pk not in reported
        reported.add(entry.pk)
        results.append(EntryAddResult(entry=entry, created=created))
    return results


def _entries_insert(
    *, pair: UserLanguagePair, new: list[dict[str, Any]], source: str, source_ref: uuid.UUID | None
) -> set[uuid.UUID]:
    """Insert entries and their cards atomically; returns the ids actually inserted. A concurrent add of
    the same word loses quietly on the unique constraint (ON CONFLICT DO NOTHING) and reads the winner."""
    rows = [
        LearnableWordBankEntry(
            user_id=pair.user_id,
            pair=pair,
            text=p["text"],
            lemma=p["lemma"],
            normalized_lemma=p["key"],
            part_of_speech=p["part_of_speech"],
            translation=(p["translation"] or "")[:500],
            example_sentence=p["example_sentence"],
            example_translation=p["example_translation"],
            source=source,
            source_ref=source_ref,
        )
        for p in new
    ]
    with transaction.atomic():
        LearnableWordBankEntry.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        inserted = set(LearnableWordBankEntry.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
        ids = [r.pk for r in rows if r.pk in inserted]
        flashcards_create_for_entries(pair=pair, entry_ids=ids)
        transaction.on_commit(lambda: _enqueue_media(ids))
    return inserted


def entry_update(*, entry: LearnableWordBankEntry, **changes: Any) -> LearnableWordBankEntry:
    """The learner overrides any field. A new text/lemma moves the duplicate key (409 if another entry
    holds it); a new text makes the old audio wrong, so it is dropped and spoken again."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "text" in changes:
        changes["text"] = check_text(changes["text"])
    if "lemma" in changes:
        changes["lemma"] = " ".join((changes["lemma"] or "").split())
    old_audio = entry.audio
    text_changed = "text" in changes and changes["text"] != entry.text
    for field, value in changes.items():
        setattr(entry, field, value)
    entry.normalized_lemma = normalize_key(entry.lemma or entry.text)
    fields = [*changes, "normalized_lemma", "updated_at"]
    if text_changed and old_audio:
        entry.audio = ""
        fields.append("audio")
    try:
        with transaction.atomic():
            entry.save(update_fields=fields)
            if text_changed:
                transaction.on_commit(lambda: (storage.delete(old_audio), _enqueue_media([entry.pk])))
    except IntegrityError:
        raise Conflict("Another entry of this word bank already has this word.", code="entry_exists")
    return entry


def entry_delete(*, entry: LearnableWordBankEntry) -> None:
    """Deletes its cards and their events too (cascade), and its audio once committed."""
    audio = entry.audio
    with transaction.atomic():
        entry.delete()
        transaction.on_commit(lambda: storage.delete(audio))
