"""A learner's word bank for one pair as an Anki package, with audio, scheduling and review history,
so a learner can leave with their data (issue 17).

Notes are written with genanki (note type "Langlearn card": Front, Back, Part of speech, Example,
Example translation, Audio, Produce; template "Recognise" always, "Produce" only when the entry has
a produce card — Anki's conditional-template idiom). genanki writes new cards only, so after it has
built the collection we set each card's scheduling (type/queue/due/interval, FSRS memory state in
`cards.data` as Anki keeps it) and insert one `revlog` row per review event, then zip the package
(legacy `collection.anki2`, which every Anki version imports). Note guids derive from the entry id,
so exporting again and importing into Anki updates the same notes instead of duplicating them.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from typing import NamedTuple

import genanki
from django.db.models.fields.json import KT
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify

from langlearn import storage
from langlearn.anki.text import text_to_field
from vocab.models import LearnableWordBankEntry, UserLanguagePair

from ..models import CardState, Direction, Flashcard, FlashcardEvent

MODEL_ID = 1_730_406_119
MODEL = genanki.Model(
    MODEL_ID,
    "Langlearn card",
    fields=[
        {"name": "Front"},
        {"name": "Back"},
        {"name": "Part of speech"},
        {"name": "Example"},
        {"name": "Example translation"},
        {"name": "Audio"},
        {"name": "Produce"},
    ],
    templates=[
        {
            "name": "Recognise",
            "qfmt": "<div class=word>{{Front}}</div>{{Audio}}",
            "afmt": "{{FrontSide}}<hr id=answer><div>{{Back}}</div><div class=pos>{{Part of speech}}</div>"
            "<div><i>{{Example}}</i></div><div>{{Example translation}}</div>",
        },
        {
            "name": "Produce",
            "qfmt": "{{#Produce}}<div>{{Back}}</div>{{/Produce}}",
            "afmt": "{{FrontSide}}<hr id=answer><div class=word>{{Front}}</div>{{Audio}}<div><i>{{Example}}</i></div>",
        },
    ],
    css=".card{font-family:sans-serif;font-size:22px;text-align:center}.pos{color:#888;font-size:16px}",
)
# Not registered with IANA; what AnkiWeb serves decks as and AnkiDroid registers for.
ANKI_CONTENT_TYPE = "application/apkg"
ORD = {Direction.RECOGNISE: 0, Direction.PRODUCE: 1}
REVLOG_TYPE = {CardState.LEARNING: 0, CardState.REVIEW: 1, CardState.RELEARNING: 2}
DAY = 86_400


class Event(NamedTuple):
    rating: int
    at: datetime
    ms: int | None
    before_state: int
    first: bool  # the card's first review (no last_review before it)
    after_state: int
    due: datetime | None


class ExportTooLarge(Exception):
    """The package would pass the size limit (ANKI_EXPORT_MAX_BYTES)."""


def export_filename(pair: UserLanguagePair) -> str:
    return slugify(f"langlearn-{pair.source_language}-{pair.target_language}") + ".apkg"


def _deck_id(pair: UserLanguagePair) -> int:
    return (1 << 30) + (pair.pk.int & ((1 << 40) - 1))


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def anki_deck_export(*, pair: UserLanguagePair, out, now: datetime | None = None, max_bytes: int | None = None) -> dict:
    """Write `pair`'s word bank to `out` (a path or binary file) as an .apkg; returns counts.
    With `max_bytes`, raises `ExportTooLarge` as soon as the audio alone passes it (before reading
    the rest) or once the finished package does."""
    now = now or timezone.now()
    audio_bytes = 0
    entries = list(
        LearnableWordBankEntry.objects.filter(pair=pair)
        .order_by("created_at", "id")
        .values("id", "text", "translation", "part_of_speech", "example_sentence", "example_translation", "audio")
    )
    cards = defaultdict(dict)
    for card in Flashcard.objects.filter(pair=pair).values(
        "id", "entry_id", "direction", "state", "stability", "difficulty", "due", "last_review", "suspended"
    ):
        cards[card["entry_id"]][card["direction"]] = card
    events = defaultdict(list)
    # Only the snapshot keys the revlog needs, as text: decoding 400,000 whole JSON snapshots was a
    # third of a 200k-review export.
    for card_id, rating, at, ms, before_state, first, after_state, after_due in (
        FlashcardEvent.objects.filter(card__pair=pair)
        .order_by("card_id", "reviewed_at", "id")
        .values_list(
            "card_id",
            "rating",
            "reviewed_at",
            "duration_ms",
            KT("state_before__state"),
            KT("state_before__last_review"),
            KT("state_after__state"),
            KT("state_after__due"),
        )
    ):
        events[card_id].append(
            Event(rating, at, ms, int(before_state or 0), first is None, int(after_state or 0), _parse(after_due))
        )

    deck = genanki.Deck(_deck_id(pair), f"Langlearn::{pair.source_language}-{pair.target_language}")
    guids: dict[str, object] = {}
    counts = {"notes": 0, "cards": 0, "reviews": 0, "audio": 0}
    with tempfile.TemporaryDirectory() as tmp:
        media_files = []
        for entry in entries:
            sound = ""
            if entry["audio"] and storage.exists(entry["audio"]):
                name = f"langlearn-{entry['id']}{os.path.splitext(entry['audio'])[1].lower()}"
                path = os.path.join(tmp, name)
                data = storage.read_bytes(entry["audio"])
                audio_bytes += len(data)
                if max_bytes is not None and audio_bytes > max_bytes:
                    raise ExportTooLarge(_too_large(max_bytes, "its audio alone"))
                with open(path, "wb") as fh:
                    fh.write(data)
                media_files.append(path)
                sound = f"[sound:{name}]"
                counts["audio"] += 1
            has_produce = Direction.PRODUCE in cards.get(entry["id"], {})
            guid = genanki.guid_for("langlearn-entry", str(entry["id"]))
            guids[guid] = entry["id"]
            fields = [
                text_to_field(entry[n])
                for n in ("text", "translation", "part_of_speech", "example_sentence", "example_translation")
            ]
            deck.add_note(genanki.Note(model=MODEL, fields=[*fields, sound, "y" if has_produce else ""], guid=guid))
            counts["notes"] += 1
        package = genanki.Package(deck, media_files=media_files)
        db_path = os.path.join(tmp, "collection.anki2")
        conn = sqlite3.connect(db_path)
        conn.execute("PRAGMA journal_mode = OFF")  # a scratch file: no journal, no fsync
        conn.execute("PRAGMA synchronous = OFF")
        try:
            package.write_to_db(conn.cursor(), time.time(), itertools.count(int(time.time() * 1000)))
            crt, conf = conn.execute("SELECT crt, conf FROM col").fetchone()
            # Without schedVer 2 Anki takes the collection for the v1 scheduler and re-maps learning
            # answers in the revlog (v1 learning had 3 buttons): Good would come back as Easy.
            conn.execute("UPDATE col SET conf = ?", [json.dumps({**json.loads(conf), "schedVer": 2})])
            note_ids = {guid: nid for nid, guid in conn.execute("SELECT id, guid FROM notes")}
            anki_cards = {(nid, ord_): cid for cid, nid, ord_ in conn.execute("SELECT id, nid, ord FROM cards")}
            updates, revlog = [], []
            used_ids: set[int] = set()
            for guid, entry_id in guids.items():
                nid = note_ids[guid]
                for direction, card in cards.get(entry_id, {}).items():
                    cid = anki_cards.get((nid, ORD[direction]))
                    if cid is None:
                        continue
                    history = events.get(card["id"], [])
                    updates.append((*_schedule(card, history, crt, pair, now), cid))
                    counts["cards"] += 1
                    last_ivl = 0
                    for event in history:
                        rating, at, ms = event.rating, event.at, event.ms
                        rid = int(at.timestamp() * 1000)
                        while rid in used_ids:
                            rid += 1
                        used_ids.add(rid)
                        ivl = _interval(event)
                        kind = 0 if event.first else REVLOG_TYPE.get(event.before_state, 1)
                        revlog.append((rid, cid, rating, ivl, last_ivl, 2500, min(ms or 0, 60_000), kind))
                        last_ivl = ivl
                    counts["reviews"] += len(history)
            conn.executemany(
                "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ?, left = ?,"
                " data = ? WHERE id = ?",
                updates,
            )
            conn.executemany(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type)"
                " VALUES (?, ?, -1, ?, ?, ?, ?, ?, ?)",
                revlog,
            )
            conn.commit()
        finally:
            conn.close()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(db_path, "collection.anki2")
            archive.writestr("media", json.dumps({str(i): os.path.basename(p) for i, p in enumerate(media_files)}))
            for index, path in enumerate(media_files):
                archive.write(path, str(index))
    size = os.path.getsize(out) if isinstance(out, str | os.PathLike) else out.tell()
    if max_bytes is not None and size > max_bytes:
        raise ExportTooLarge(_too_large(max_bytes, f"the package ({filesizeformat(size)})"))
    return {**counts, "bytes": size}


def _too_large(max_bytes: int, what: str) -> str:
    return f"This word bank is too large to export: {what} passes the {filesizeformat(max_bytes)} limit."


def _interval(event: Event) -> int:
    """Anki's revlog interval: days when the review left the card in review, else -seconds."""
    seconds = max(int(((event.due or event.at) - event.at).total_seconds()), 0)
    if event.after_state == CardState.REVIEW:
        return max(round(seconds / DAY), 1)
    return -seconds


def _schedule(card: dict, history: list, crt: int, pair: UserLanguagePair, now: datetime) -> tuple:
    """(type, queue, due, ivl, factor, reps, lapses, left, data) of the Anki card."""
    reps = len(history)
    lapses = sum(1 for e in history if e.rating == 1 and e.before_state == CardState.REVIEW)
    if card["last_review"] is None:
        return (0, -1 if card["suspended"] else 0, 0, 0, 0, reps, lapses, 0, "")
    data = ""
    if card["stability"] is not None and card["difficulty"] is not None:
        data = json.dumps(
            {"s": round(card["stability"], 4), "d": round(card["difficulty"], 3), "dr": pair.desired_retention}
        )
    due = card["due"]
    if card["state"] == CardState.REVIEW:
        ivl = max(round((due - card["last_review"]).total_seconds() / DAY), 1)
        day = (due.astimezone(UTC).date() - datetime.fromtimestamp(crt, UTC).date()).days
        return (2, -1 if card["suspended"] else 2, day, ivl, 2500, reps, lapses, 0, data)
    kind = 1 if card["state"] == CardState.LEARNING else 3
    return (kind, -1 if card["suspended"] else 1, int(due.timestamp()), 0, 2500, reps, lapses, 1, data)
