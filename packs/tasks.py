"""Pack actors: thin — take ids, get the provider client, call the service (packs/services/enrich.py)."""

from __future__ import annotations

import dramatiq

from langlearn.clients.base import ProviderError

from .services.enrich import pack_entries_translate, pack_entry_synthesize


def _retry_transient(retries: int, exc: Exception) -> bool:
    """Retry only what can succeed later (429/5xx/timeouts); the service marked the rest failed."""
    return isinstance(exc, ProviderError) and exc.retryable and retries < 3


@dramatiq.actor(queue_name="packs", max_retries=3, time_limit=180_000, min_backoff=5_000, retry_when=_retry_transient)
def translate_pack_entries(entry_ids: list[str]) -> None:
    from langlearn import clients

    pack_entries_translate(entry_ids=entry_ids, translator=clients.get_translator())


@dramatiq.actor(queue_name="packs", max_retries=3, time_limit=120_000, min_backoff=5_000, retry_when=_retry_transient)
def synthesize_pack_entry(entry_id: str) -> None:
    from langlearn import clients

    pack_entry_synthesize(entry_id=entry_id, tts=clients.get_tts())
