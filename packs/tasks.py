"""Pack actors: thin — take ids, get the provider client, call the service (packs/services/enrich.py)."""

from __future__ import annotations

import dramatiq

from langlearn import clients
from langlearn.clients import call_budget_seconds
from langlearn.clients.base import ProviderError

from .services.enrich import pack_entries_translate, pack_entry_synthesize


def _retry_transient(retries: int, exc: Exception) -> bool:
    """Retry only what can succeed later (429/5xx/timeouts); the service marked the rest failed."""
    return isinstance(exc, ProviderError) and exc.retryable and retries < 3


# Time limits sit above the worst case of the provider calls each message makes (the language
# list and one batch for translations, one speech call for audio), so a slow provider fails the
# call by its own timeout instead of being killed mid-write.
@dramatiq.actor(
    queue_name="packs",
    max_retries=3,
    time_limit=int((call_budget_seconds(2) + 30) * 1000),
    min_backoff=5_000,
    retry_when=_retry_transient,
)
def translate_pack_entries(entry_ids: list[str]) -> None:
    pack_entries_translate(entry_ids=entry_ids, translator=clients.get_translator())


@dramatiq.actor(
    queue_name="packs",
    max_retries=3,
    time_limit=int((call_budget_seconds(1) + 30) * 1000),
    min_backoff=5_000,
    retry_when=_retry_transient,
)
def synthesize_pack_entry(entry_id: str) -> None:
    pack_entry_synthesize(entry_id=entry_id, tts=clients.get_tts())
