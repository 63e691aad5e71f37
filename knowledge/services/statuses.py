"""Setting statuses: one function writes marks and their events (`word_statuses_set`); finishing a
page and undoing a batch are built on it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max

from flashcards.selectors import word_statuses_for_pair
from langlearn.errors import InvalidInput
from langlearn.lookups import in_values
from vocab.keys import normalize_key
from vocab.models import UserLanguagePair
from vocab.selectors import word_bank_keys

from ..models import Status, StatusSource, WordStatusEvent, WordStatusMark
from ..selectors import events_of_batch, last_batch, word_statuses

MAX_KEY_LENGTH = 200
MAX_WORDS_PER_REQUEST = 2_000
_BULK = 2_000


@dataclass(frozen=True)
class StatusChange:
    batch: uuid.UUID | None
    changed: int
    unchanged: int


def _keys(words: Iterable[str]) -> list[str]:
    keys = list(dict.fromkeys(normalize_key(w) for w in words if isinstance(w, str)))
    keys = [k for k in keys if k]
    if any(len(k) > MAX_KEY_LENGTH for k in keys):
        raise InvalidInput(f"A word is longer than {MAX_KEY_LENGTH} characters.", code="word_too_long")
    return keys


def _apply(
    *,
    pair: UserLanguagePair,
    targets: dict[str, str],
    current: dict[str, str],
    source: str,
    batch: uuid.UUID,
) -> int:
    """Write `targets` ({key: status}) over `current` (each key's status now): marks and events.
    A status the word bank implies anyway (or "new" for a word outside it) is kept by removing the
    mark, so the word follows its cards again."""
    changes = {k: s for k, s in targets.items() if current.get(k, Status.NEW) != s}
    if not changes:
        return 0
    implied = word_statuses_for_pair(pair=pair, keys=changes)
    stored = {k: s for k, s in changes.items() if s != implied.get(k, Status.NEW)}
    removed = [k for k in changes if k not in stored]
    if removed:
        WordStatusMark.objects.filter(in_values("key", removed), pair=pair).delete()
    old = {k: current.get(k, Status.NEW) for k in changes}
    if connection.vendor == "postgresql":
        _write_postgresql(pair=pair, stored=stored, changes=changes, old=old, source=source, batch=batch)
        return len(changes)
    WordStatusMark.objects.bulk_create(
        [
            WordStatusMark(user_id=pair.user_id, pair=pair, key=k, status=s, source=source, batch=batch)
            for k, s in stored.items()
        ],
        update_conflicts=True,
        unique_fields=["pair", "key"],
        update_fields=["status", "source", "batch", "updated_at"],
        batch_size=_BULK,
    )
    WordStatusEvent.objects.bulk_create(
        [
            WordStatusEvent(
                user_id=pair.user_id, pair=pair, key=k, old_status=old[k], new_status=s, source=source, batch=batch
            )
            for k, s in changes.items()
        ],
        batch_size=_BULK,
    )
    return len(changes)


def _write_postgresql(
    *,
    pair: UserLanguagePair,
    stored: dict[str, str],
    changes: dict[str, str],
    old: dict[str, str],
    source: str,
    batch: uuid.UUID,
) -> None:
    """The marks (upserted) and the events, each in one statement over arrays. A placement writes
    20,000 of each: through `bulk_create` that took 6.4 s (the Python side of building and
    binding 40,000 objects), with `INSERT ... SELECT FROM unnest(...)` 3.1 s for the whole
    placement, reads included (bench/knowledge_statuses.py, on a loaded 2-core machine)."""
    with connection.cursor() as cursor:
        if stored:
            cursor.execute(
                """
                INSERT INTO knowledge_wordstatusmark
                    (id, created_at, updated_at, user_id, pair_id, key, status, source, batch)
                SELECT gen_random_uuid(), now(), now(), %s, %s, k, s, %s, %s
                FROM unnest(%s::text[], %s::text[]) AS t(k, s)
                ON CONFLICT (pair_id, key) DO UPDATE SET status = EXCLUDED.status, source = EXCLUDED.source,
                    batch = EXCLUDED.batch, updated_at = EXCLUDED.updated_at
                """,
                [pair.user_id, pair.pk, source, batch, list(stored), list(stored.values())],
            )
        cursor.execute(
            """
            INSERT INTO knowledge_wordstatusevent
                (user_id, pair_id, key, old_status, new_status, source, batch, created_at)
            SELECT %s, %s, k, o, n, %s, %s, now()
            FROM unnest(%s::text[], %s::text[], %s::text[]) AS t(k, o, n)
            """,
            [pair.user_id, pair.pk, source, batch, list(changes), [old[k] for k in changes], list(changes.values())],
        )


def new_words_mark(*, pair: UserLanguagePair, keys: Sequence[str], status: str, source: str, batch: uuid.UUID) -> int:
    """Give `status` to those of `keys` that are new to the learner — no mark, not in the word
    bank — with their events; every other key keeps its status. Returns how many changed.

    On PostgreSQL one statement: the marks are inserted from an array (`ON CONFLICT DO NOTHING`
    skips keys already marked, a `NOT IN` over the word bank those with an entry) and the inserted
    keys' events are written from the insert's `RETURNING`. 20,000 keys take ~0.3 s
    (bench/knowledge_placement.py) where reading the statuses first and then writing took 3 s."""
    keys = [k for k in dict.fromkeys(keys) if k]
    if not keys:
        return 0
    if connection.vendor != "postgresql":
        changed = 0
        for start in range(0, len(keys), _BULK):
            chunk = keys[start : start + _BULK]
            current = word_statuses(pair=pair, keys=chunk)
            targets = {k: status for k in chunk if k not in current}
            changed += _apply(pair=pair, targets=targets, current=current, source=source, batch=batch)
        return changed
    bank_sql, bank_params = word_bank_keys(pair=pair).query.sql_with_params()
    mark_table, event_table = WordStatusMark._meta.db_table, WordStatusEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH inserted AS (
                INSERT INTO {mark_table} (id, created_at, updated_at, user_id, pair_id, key, status, source, batch)
                SELECT gen_random_uuid(), now(), now(), %s, %s, k, %s, %s, %s
                FROM unnest(%s::text[]) AS t(k)
                WHERE k NOT IN ({bank_sql})
                ON CONFLICT (pair_id, key) DO NOTHING
                RETURNING key
            )
            INSERT INTO {event_table} (user_id, pair_id, key, old_status, new_status, source, batch, created_at)
            SELECT %s, %s, key, %s, %s, %s, %s, now() FROM inserted
            """,  # noqa: S608 — table names are the models', the subquery is Django's
            [
                pair.user_id,
                pair.pk,
                status,
                source,
                batch,
                keys,
                *bank_params,
                pair.user_id,
                pair.pk,
                Status.NEW.value,
                status,
                source,
                batch,
            ],
        )
        return cursor.rowcount


def word_statuses_set(
    *, pair: UserLanguagePair, words: Sequence[tuple[str, str]], source: str = StatusSource.READER
) -> StatusChange:
    """Set each (word, status) of `words` for the pair. A word is keyed like the word bank
    (`normalize_key` of its lemma). Setting the status a word already has changes nothing, so a
    repeated request is harmless. Three queries plus the writes."""
    if len(words) > MAX_WORDS_PER_REQUEST:
        raise InvalidInput(f"At most {MAX_WORDS_PER_REQUEST} words per request.", code="too_many_words")
    valid = {s.value for s in Status}
    targets: dict[str, str] = {}
    for word, status in words:
        if status not in valid:
            raise InvalidInput(f"Unknown status {status!r}.", code="invalid_status")
        (key,) = _keys([word]) or (None,)
        if key is None:
            raise InvalidInput("A word is empty.", code="word_empty")
        targets[key] = status
    batch = uuid.uuid4()
    with transaction.atomic():
        current = word_statuses(pair=pair, keys=targets)
        changed = _apply(pair=pair, targets=targets, current=current, source=source, batch=batch)
    return StatusChange(batch=batch if changed else None, changed=changed, unchanged=len(targets) - changed)


def page_finish(*, pair: UserLanguagePair, words: Sequence[tuple[str, str]]) -> StatusChange:
    """LingQ's "finish page": every word of the page still new becomes known. `words`: the page's
    (lemma, text) pairs; a word's status is read the way the reader paints it (its lemma's, else
    its text's), and a new word is marked known under its lemma. Words with another status keep
    it; finishing the same page again changes nothing (and leaves the undo alone)."""
    if len(words) > MAX_WORDS_PER_REQUEST:
        raise InvalidInput(f"At most {MAX_WORDS_PER_REQUEST} words per request.", code="too_many_words")
    pairs = [(normalize_key(lemma or text), normalize_key(text or lemma)) for lemma, text in words]
    pairs = [(lemma, text) for lemma, text in pairs if lemma]
    _keys([k for p in pairs for k in p])  # length check
    batch = uuid.uuid4()
    with transaction.atomic():
        current = word_statuses(pair=pair, keys={k for p in pairs for k in p})
        targets = {lemma: Status.KNOWN.value for lemma, text in pairs if lemma not in current and text not in current}
        changed = _apply(pair=pair, targets=targets, current=current, source=StatusSource.FINISH_PAGE, batch=batch)
    return StatusChange(batch=batch if changed else None, changed=changed, unchanged=len(dict(pairs)) - changed)


def word_status_changes_record(
    *, pair: UserLanguagePair, keys: Iterable[str], before: dict[str, str], source: str
) -> int:
    """Log, with `source`, the statuses another app's write changed without a mark: a pack or an
    import adding words to the word bank makes them learning. `before`: `word_statuses` of the keys
    taken before the write. Events only; the word bank carries the status itself. Two queries and
    one insert."""
    keys = {k for k in keys if k}
    after = word_statuses(pair=pair, keys=keys)
    changed = {k: after.get(k, Status.NEW) for k in keys if after.get(k, Status.NEW) != before.get(k, Status.NEW)}
    if changed:
        batch = uuid.uuid4()
        WordStatusEvent.objects.bulk_create(
            [
                WordStatusEvent(
                    user_id=pair.user_id,
                    pair=pair,
                    key=k,
                    old_status=before.get(k, Status.NEW),
                    new_status=s,
                    source=source,
                    batch=batch,
                )
                for k, s in changed.items()
            ],
            batch_size=_BULK,
        )
    return len(changed)


def batch_undo(*, pair: UserLanguagePair, batch: uuid.UUID) -> StatusChange:
    """Put back the statuses a batch replaced, for the keys still carrying that batch (a word
    changed again since keeps its newer status). Undoing twice changes nothing."""
    with transaction.atomic():
        events = list(events_of_batch(pair=pair, batch=batch).exclude(source=StatusSource.UNDO))
        keys = [e.key for e in events]
        # Lock the keys' marks: a concurrent change to them waits for the undo (or the undo for it).
        list(WordStatusMark.objects.select_for_update().filter(in_values("key", keys), pair=pair).values_list("pk"))
        # A key is restored while the batch is still its last change: no later event for the key (a
        # reader mark, a review's lapse, an undo of this same batch) since.
        latest = dict(
            WordStatusEvent.objects.filter(in_values("key", keys), pair=pair)
            .order_by()
            .values("key")
            .annotate(last=Max("id"))
            .values_list("key", "last")
        )
        restore = {e.key: e.old_status for e in events if latest.get(e.key) == e.id}
        current = word_statuses(pair=pair, keys=restore)
        changed = _apply(pair=pair, targets=restore, current=current, source=StatusSource.UNDO, batch=batch)
    return StatusChange(batch=batch if changed else None, changed=changed, unchanged=len(events) - changed)


def page_finish_undo(*, pair: UserLanguagePair) -> StatusChange:
    """Undo the pair's last finished page."""
    return last_batch_undo(pair=pair, source=StatusSource.FINISH_PAGE)


def last_batch_undo(*, pair: UserLanguagePair, source: str) -> StatusChange:
    """Undo the pair's last change from `source` (a finished page, a reader mark, an Anki import)."""
    batch = last_batch(pair=pair, source=source)
    if batch is None:
        return StatusChange(batch=None, changed=0, unchanged=0)
    return batch_undo(pair=pair, batch=batch)
