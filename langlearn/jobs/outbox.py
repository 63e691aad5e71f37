"""Send a Dramatiq message after commit without ever failing the request that committed.

Issue 19: with the broker unreachable, `POST /api/generation/articles` and `POST /api/vocab/entries`
answered 500 after their rows were committed (Django re-raises an on_commit callback's error), so a
client retry duplicated the work and spent quota again. Now the send is attempted after commit; if
the broker refuses, the message is stored in `OutboxMessage` and the request still answers its 2xx.
`outbox_flush` (called by the job sweep, every minute) sends what is stored. Delivery stays at least
once: every actor sent this way must be safe to run twice (all of ours claim or upsert).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import dramatiq
from django.db import transaction

from .models import OutboxMessage

logger = logging.getLogger(__name__)


def _send(actor_name: str, args: Sequence, delay_ms: int) -> None:
    actor = dramatiq.get_broker().get_actor(actor_name)
    if delay_ms:
        actor.send_with_options(args=tuple(args), delay=delay_ms)
    else:
        actor.send(*args)


def send_now_or_later(actor, *args, delay_ms: int = 0) -> None:
    """Send at once; if the broker refuses, keep the message for the sweep. Never raises for a
    broker failure."""
    try:
        _send(actor.actor_name, args, delay_ms)
    except Exception as exc:  # any broker failure: connection refused, timeout, auth
        logger.warning("broker refused %s%s; kept for the sweep: %r", actor.actor_name, tuple(args), exc)
        OutboxMessage.objects.create(
            actor_name=actor.actor_name, args=args, delay_ms=delay_ms, last_error=repr(exc)[:2000]
        )


def send_after_commit(actor, *args, delay_ms: int = 0) -> None:
    """Send when the surrounding transaction commits (at once when none is open)."""
    transaction.on_commit(lambda: send_now_or_later(actor, *args, delay_ms=delay_ms))


def outbox_flush(*, limit: int = 500) -> int:
    """Send stored messages (oldest first); each is deleted only once the broker took it.
    Rows are locked SKIP LOCKED, so two sweeps at once never send the same row twice."""
    sent = 0
    with transaction.atomic():
        rows = list(OutboxMessage.objects.select_for_update(skip_locked=True).order_by("id")[:limit])
        for row in rows:
            try:
                _send(row.actor_name, row.args, 0)  # its delay has passed by now
            except Exception as exc:
                OutboxMessage.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=repr(exc)[:2000])
                logger.warning("outbox: %s still refused (%r); stopping this round", row, exc)
                break  # the broker is still down: try again next sweep
            OutboxMessage.objects.filter(pk=row.pk).delete()
            sent += 1
    if sent:
        logger.info("outbox: sent %s stored messages", sent)
    return sent
