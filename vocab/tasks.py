"""Word bank jobs. Thin: take an id, call the service (which is safe to run twice)."""

from __future__ import annotations

import dramatiq

from langlearn import clients
from langlearn.clients import call_budget_seconds

from . import services

# Up to three provider calls: DeepL's language list (cached by the client), the translation, the speech.
_MEDIA_TIME_LIMIT_MS = int((call_budget_seconds(3) + 30) * 1000)


@dramatiq.actor(
    queue_name="vocab", max_retries=5, min_backoff=5_000, max_backoff=600_000, time_limit=_MEDIA_TIME_LIMIT_MS
)
def entry_media_generate(entry_id: str) -> None:
    """Speak a new entry (TTS → storage) and fill its translation if the add-time call failed.
    Retryable provider errors raise (Dramatiq backs off and retries, at most 5 times); permanent ones
    are logged by the service and do not retry."""
    services.entry_media_generate(entry_id=entry_id, tts=clients.get_tts(), translator=clients.get_translator())
