"""Filling in what a pack's entries lack: translations (DeepL) and spoken audio (TTS → storage).

Editors ask from the admin; the request marks the entries `queued` and enqueues the work after
commit; the actors (packs/tasks.py) call the provider outside any transaction and write each
result with a conditional update, so a duplicate delivery does no harm and never overwrites an
editor's own translation or audio."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from uuid import UUID, uuid4

from django.db import transaction
from django.db.models import QuerySet

from langlearn import storage
from langlearn.clients.base import ProviderError, TranslationClient, TTSClient

from ..models import JobStatus, WordBankPack, WordBankPackEntry
from .learners import pack_entry_changes_reach_learners

TRANSLATION_BATCH = 50  # texts per DeepL request


def _queue(entries: QuerySet[WordBankPackEntry], status_field: str) -> list[UUID]:
    """Mark `entries` queued (skipping those already queued) and return their ids."""
    with transaction.atomic():
        ids = list(entries.select_for_update().exclude(**{status_field: JobStatus.QUEUED}).values_list("id", flat=True))
        WordBankPackEntry.objects.filter(id__in=ids).update(**{status_field: JobStatus.QUEUED, "job_error": ""})
    return ids


def packs_request_translations(*, packs: Iterable[WordBankPack]) -> int:
    """Queue machine translation of every entry without one. Returns how many were queued."""
    from ..tasks import translate_pack_entries

    ids = _queue(WordBankPackEntry.objects.filter(pack__in=list(packs), translation=""), "translation_status")
    chunks = [[str(i) for i in ids[n : n + TRANSLATION_BATCH]] for n in range(0, len(ids), TRANSLATION_BATCH)]
    transaction.on_commit(lambda: [translate_pack_entries.send(chunk) for chunk in chunks])
    return len(ids)


def packs_request_audio(*, packs: Iterable[WordBankPack]) -> int:
    """Queue text-to-speech for every entry without audio, one message per entry."""
    from ..tasks import synthesize_pack_entry

    ids = _queue(WordBankPackEntry.objects.filter(pack__in=list(packs), audio=""), "audio_status")
    transaction.on_commit(lambda: [synthesize_pack_entry.send(str(i)) for i in ids])
    return len(ids)


def _fail(ids: Iterable[UUID], status_field: str, error: ProviderError | str) -> None:
    WordBankPackEntry.objects.filter(id__in=list(ids)).update(
        **{status_field: JobStatus.FAILED, "job_error": str(error)[:500]}
    )


def pack_entries_translate(*, entry_ids: list[UUID], translator: TranslationClient) -> int:
    """Translate the entries that still lack a translation (text in the pack's target language,
    translation into its source language). Raises retryable ProviderErrors for the actor to retry;
    permanent ones mark the entries failed. Returns how many were filled."""
    entries = list(
        WordBankPackEntry.objects.filter(id__in=entry_ids, translation="").select_related("pack").order_by("position")
    )
    groups: dict[tuple[str, str], list[WordBankPackEntry]] = defaultdict(list)
    for entry in entries:
        groups[(entry.pack.target_language, entry.pack.source_language)].append(entry)
    filled = 0
    for (source, target), group in groups.items():
        if not translator.can_translate_to(target):
            _fail([e.id for e in group], "translation_status", f"{translator.provider} cannot translate into {target}")
            continue
        try:
            batch = translator.translate([e.text for e in group], source=source, target=target)
        except ProviderError as exc:
            _fail([e.id for e in group], "translation_status", exc)
            if exc.retryable:
                raise
            continue
        for entry, result in zip(group, batch.translations, strict=True):
            # Conditional: an editor who typed a translation meanwhile keeps theirs.
            done = WordBankPackEntry.objects.filter(id=entry.id, translation="").update(
                translation=result.text[:500], translation_status=JobStatus.DONE, job_error=""
            )
            if done:
                entry.translation = result.text[:500]
                pack_entry_changes_reach_learners(entry=entry, old={"translation": ""})
            filled += done
    # Entries someone translated by hand meanwhile are done too.
    WordBankPackEntry.objects.filter(id__in=entry_ids, translation_status=JobStatus.QUEUED).exclude(
        translation=""
    ).update(translation_status=JobStatus.DONE)
    return filled


def audio_key(entry: WordBankPackEntry) -> str:
    """Derived from the entry, so a rerun overwrites its own object instead of leaking one."""
    return f"packs/{entry.pack.slug}/audio/{entry.id}.wav"


def pack_entry_synthesize(*, entry_id: UUID, tts: TTSClient) -> bool:
    """Speak one entry's text and store the WAV. False when there was nothing to do."""
    entry = WordBankPackEntry.objects.select_related("pack").filter(id=entry_id).first()
    if entry is None:
        return False
    if entry.audio:
        WordBankPackEntry.objects.filter(id=entry.id, audio_status=JobStatus.QUEUED).update(audio_status=JobStatus.DONE)
        return False
    try:
        result = tts.synthesize(entry.text, entry.pack.target_language)
    except ProviderError as exc:
        _fail([entry.id], "audio_status", exc)
        if exc.retryable:
            raise
        return False
    key = storage.save_bytes(audio_key(entry), result.wav, content_type="audio/wav").key
    if WordBankPackEntry.objects.filter(id=entry.id, audio="").update(
        audio=key, audio_status=JobStatus.DONE, job_error=""
    ):
        entry.audio = key
        pack_entry_changes_reach_learners(entry=entry, old={"audio": ""})
    return True


AUDIO_CONTENT_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
}


def pack_entry_audio_replace(*, entry: WordBankPackEntry, data: bytes, extension: str) -> str:
    """An editor's own recording replaces the entry's audio. A new key per upload: the previous
    object may still be referenced by learners' copies of the entry, so it is not overwritten."""
    extension = extension.lower()
    content_type = AUDIO_CONTENT_TYPES.get(extension, "application/octet-stream")
    key = f"packs/{entry.pack.slug}/audio/{entry.id}-{uuid4().hex[:8]}{extension}"
    key = storage.save_bytes(key, data, content_type=content_type).key
    old = entry.audio
    WordBankPackEntry.objects.filter(id=entry.id).update(audio=key, audio_status=JobStatus.DONE, job_error="")
    entry.audio, entry.audio_status, entry.job_error = key, JobStatus.DONE, ""
    pack_entry_changes_reach_learners(entry=entry, old={"audio": old})
    return key
