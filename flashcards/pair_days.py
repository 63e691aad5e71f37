"""The per pair per day review counters (`PairDay`): the triggers that keep them, and their rebuild.

PostgreSQL only. Statement-level triggers on `flashcards_flashcardevent` aggregate the inserted,
updated or deleted rows (transition tables) into one upsert per statement: a sync of 1,000 events is
one aggregate, not 1,000 upserts. Every writer is covered (the review services, bulk_create, imports,
fixtures, cascading deletes), so the counters cannot drift from the events the way a service-side
call could. The day is the learner's (`accounts_account.time_zone`, UTC when the name is unknown, as
`Account.zone` does). On SQLite (`make run`) there are no triggers and readers scan the events.
"""

from __future__ import annotations

from typing import Any

# The learner's zone, or UTC for a name PostgreSQL does not know (Account.zone falls back the same way).
SAFE_ZONE_SQL = """
CREATE OR REPLACE FUNCTION flashcards_safe_zone(zone text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM now() AT TIME ZONE zone;
    RETURN zone;
EXCEPTION WHEN OTHERS THEN
    RETURN 'UTC';
END $$;
"""

# The counters of a set of events `e` (joined to their card `c` and learner zone `z`), by pair and day.
_AGGREGATE = """
    SELECT c.pair_id, e.user_id, (e.reviewed_at AT TIME ZONE z.zone)::date AS day,
        count(*) AS reviews,
        count(*) FILTER (WHERE e.state_before -> 'last_review' = 'null'::jsonb) AS new_cards,
        count(*) FILTER (WHERE e.state_before -> 'state' = '2'::jsonb) AS retention_reviews,
        count(*) FILTER (WHERE e.state_before -> 'state' = '2'::jsonb AND e.rating <> 1) AS retention_passed
    FROM {events} e
    JOIN flashcards_flashcard c ON c.id = e.card_id
    JOIN (SELECT a.id, flashcards_safe_zone(a.time_zone) AS zone FROM accounts_account a
          WHERE a.id IN ({users})) z ON z.id = e.user_id
    {where}
    GROUP BY 1, 2, 3
"""


def _aggregate(transition_table: str) -> str:
    users = f"SELECT user_id FROM {transition_table}"  # noqa: S608 — a transition table's name, ours
    return _AGGREGATE.format(events=transition_table, users=users, where="")


_ADD = """
    INSERT INTO flashcards_pairday AS d
        (pair_id, user_id, day, reviews, new_cards, retention_reviews, retention_passed)
    SELECT * FROM ({aggregate}) agg
    ORDER BY pair_id, day
    ON CONFLICT (pair_id, day) DO UPDATE SET
        reviews = d.reviews + EXCLUDED.reviews,
        new_cards = d.new_cards + EXCLUDED.new_cards,
        retention_reviews = d.retention_reviews + EXCLUDED.retention_reviews,
        retention_passed = d.retention_passed + EXCLUDED.retention_passed;
"""
# Removing never inserts: a pair being deleted may have lost its rows already (a new one would then
# point at a deleted pair and fail the deferred foreign key at commit).
_SUBTRACT = """
    UPDATE flashcards_pairday AS d SET
        reviews = d.reviews - agg.reviews,
        new_cards = d.new_cards - agg.new_cards,
        retention_reviews = d.retention_reviews - agg.retention_reviews,
        retention_passed = d.retention_passed - agg.retention_passed
    FROM ({aggregate}) agg
    WHERE d.pair_id = agg.pair_id AND d.day = agg.day;
"""

TRIGGER_SQL = f"""
CREATE OR REPLACE FUNCTION flashcards_pairday_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {_SUBTRACT.format(aggregate=_aggregate("old_rows"))}
    END IF;
    IF TG_OP <> 'DELETE' THEN
        {_ADD.format(aggregate=_aggregate("new_rows"))}
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS flashcards_pairday_insert ON flashcards_flashcardevent;
DROP TRIGGER IF EXISTS flashcards_pairday_update ON flashcards_flashcardevent;
DROP TRIGGER IF EXISTS flashcards_pairday_delete ON flashcards_flashcardevent;
CREATE TRIGGER flashcards_pairday_insert AFTER INSERT ON flashcards_flashcardevent
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION flashcards_pairday_apply();
CREATE TRIGGER flashcards_pairday_update AFTER UPDATE ON flashcards_flashcardevent
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
    EXECUTE FUNCTION flashcards_pairday_apply();
CREATE TRIGGER flashcards_pairday_delete AFTER DELETE ON flashcards_flashcardevent
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION flashcards_pairday_apply();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS flashcards_pairday_insert ON flashcards_flashcardevent;
DROP TRIGGER IF EXISTS flashcards_pairday_update ON flashcards_flashcardevent;
DROP TRIGGER IF EXISTS flashcards_pairday_delete ON flashcards_flashcardevent;
DROP FUNCTION IF EXISTS flashcards_pairday_apply();
DROP FUNCTION IF EXISTS flashcards_safe_zone(text);
"""

# The counters as the events say they should be, for the learners in %(users)s (all when NULL).
_FRESH_SQL = "CREATE TEMPORARY TABLE pairday_fresh ON COMMIT DROP AS " + _AGGREGATE.format(  # noqa: S608
    events="flashcards_flashcardevent",
    users="SELECT id FROM accounts_account WHERE %(users)s::uuid[] IS NULL OR id = ANY(%(users)s)",
    where="WHERE %(users)s::uuid[] IS NULL OR e.user_id = ANY(%(users)s)",
)
_SCOPE = "(%(users)s::uuid[] IS NULL OR d.user_id = ANY(%(users)s))"
_DIFF_SQL = f"""
    SELECT count(*) FILTER (WHERE d.id IS NULL) AS missing,
        count(*) FILTER (WHERE f.pair_id IS NULL) AS stale,
        count(*) FILTER (WHERE d.id IS NOT NULL AND f.pair_id IS NOT NULL) AS wrong
    FROM (SELECT * FROM flashcards_pairday d WHERE {_SCOPE}) d
    FULL JOIN pairday_fresh f ON f.pair_id = d.pair_id AND f.day = d.day
    WHERE d.id IS NULL OR f.pair_id IS NULL OR (d.reviews, d.new_cards, d.retention_reviews, d.retention_passed)
        IS DISTINCT FROM (f.reviews, f.new_cards, f.retention_reviews, f.retention_passed)
"""  # noqa: S608 — constant SQL, values are bound
_APPLY_SQL = [
    f"""DELETE FROM flashcards_pairday d WHERE {_SCOPE}
        AND NOT EXISTS (SELECT 1 FROM pairday_fresh f WHERE f.pair_id = d.pair_id AND f.day = d.day)""",  # noqa: S608
    """INSERT INTO flashcards_pairday AS d
           (pair_id, user_id, day, reviews, new_cards, retention_reviews, retention_passed)
       SELECT pair_id, user_id, day, reviews, new_cards, retention_reviews, retention_passed FROM pairday_fresh
       ON CONFLICT (pair_id, day) DO UPDATE SET reviews = EXCLUDED.reviews, new_cards = EXCLUDED.new_cards,
           retention_reviews = EXCLUDED.retention_reviews, retention_passed = EXCLUDED.retention_passed
       WHERE (d.reviews, d.new_cards, d.retention_reviews, d.retention_passed) IS DISTINCT FROM
           (EXCLUDED.reviews, EXCLUDED.new_cards, EXCLUDED.retention_reviews, EXCLUDED.retention_passed)""",
]


def pair_days_rebuild(connection: Any, *, user_ids: list | None = None, dry_run: bool = False) -> dict[str, int]:
    """Recompute the counters of `user_ids` (everyone when None) from their events; idempotent.
    Returns {"missing", "stale", "wrong"}: rows added, removed and corrected (or that would be, with
    `dry_run`). Needed after a learner changes time zone (their past days stay in the old one) or
    after events were written with the triggers off."""
    from django.db import transaction

    params = {"users": [str(u) for u in user_ids] if user_ids is not None else None}
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pairday_fresh")  # inside an outer transaction it outlives us
        cursor.execute(_FRESH_SQL, params)
        cursor.execute(_DIFF_SQL, params)
        missing, stale, wrong = cursor.fetchone()
        if not dry_run:
            for sql in _APPLY_SQL:
                cursor.execute(sql, params)
        cursor.execute("DROP TABLE pairday_fresh")
    return {"missing": missing, "stale": stale, "wrong": wrong}
