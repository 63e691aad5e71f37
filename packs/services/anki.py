"""Anki `.apkg` in and out. Writing uses `genanki` (the maintained library for building decks);
reading opens the package's SQLite collection directly (genanki cannot read).

Export: one deck per pack, a note type "Langlearn word" with fields Front (the word), Back (its
translation), Part of speech, Example, Example translation, Notes, Audio (`[sound:...]`, the file
in the package's media). The deck description carries the pack's metadata so an exported package
imports back as the same pack.

Import: every deck with notes becomes a pack. Note fields are mapped by name, case and spaces
ignored: text ← Front / Word / Text / Expression; translation ← Back / Meaning / Translation;
part_of_speech ← Part of speech / POS; example_sentence ← Example / Sentence; example_translation ←
Example translation; notes ← Notes / Extra; audio ← Audio / Sound (any `[sound:x]` in any field
also counts). A note type without any of the text names uses its first field as text and second
as translation. HTML is stripped. Packages from elsewhere carry no languages: give them with
`--source-language/--target-language`. "Line" numbers in reports are note numbers.
Both package formats are read (`langlearn.anki.reader`): the legacy collection (`collection.anki2`/
`.anki21`, what genanki and Anki's "support older Anki versions" export write) and today's default
`collection.anki21b`. Line breaks survive: `<br>` ↔ `\n` (`langlearn.anki.text`).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import tempfile

import genanki
from django.conf import settings
from django.utils.text import slugify

from langlearn.anki.reader import AnkiFormatError, AnkiPackage, Deck, Limits, open_package
from langlearn.anki.text import field_to_text, sounds, text_to_field

from .formats import ENTRY_FIELDS, PACK_FIELDS, FormatError, RawPack, RawRow

MODEL_ID = 1_730_406_118  # fixed: Anki matches note types by id across imports
MARKER = re.compile(r"<!--langlearn:(\{.*?\})-->", re.S)
FIELD_NAMES = {
    "text": ("front", "word", "text", "expression", "target"),
    "translation": ("back", "meaning", "translation", "native"),
    "part_of_speech": ("partofspeech", "pos"),
    "example_sentence": ("example", "examplesentence", "sentence"),
    "example_translation": ("exampletranslation", "sentencetranslation"),
    "notes": ("notes", "note", "extra"),
    "audio": ("audio", "sound"),
}

MODEL = genanki.Model(
    MODEL_ID,
    "Langlearn word",
    fields=[
        {"name": "Front"},
        {"name": "Back"},
        {"name": "Part of speech"},
        {"name": "Example"},
        {"name": "Example translation"},
        {"name": "Notes"},
        {"name": "Audio"},
    ],
    templates=[
        {
            "name": "Recognise",
            "qfmt": "<div class=word>{{Front}}</div>{{Audio}}",
            "afmt": "{{FrontSide}}<hr id=answer><div>{{Back}}</div>"
            "<div class=pos>{{Part of speech}}</div><div><i>{{Example}}</i></div><div>{{Example translation}}</div>",
        }
    ],
    css=".card{font-family:sans-serif;font-size:22px;text-align:center}.pos{color:#888;font-size:16px}",
)


def _deck_id(slug: str) -> int:
    return (1 << 30) + int(hashlib.sha1(slug.encode()).hexdigest()[:12], 16)  # noqa: S324 — an id, not security


def _media_name(slug: str, key: str) -> str:
    base = os.path.basename(key)
    return base if base.startswith(f"{slug}-") else f"{slug}-{base}"


def write_apkg(packs: list[dict], *, read_media) -> bytes:
    """`packs` as from `export_data`; `read_media(key) -> bytes | None`."""
    decks = []
    with tempfile.TemporaryDirectory() as tmp:
        media_files = []
        for pack in packs:
            meta = {name: pack[name] for name in ("slug", *PACK_FIELDS)}
            description = html.escape(pack["description"]) + f"<!--langlearn:{json.dumps(meta)}-->"
            deck = genanki.Deck(_deck_id(pack["slug"]), pack["title"], description=description)
            for entry in pack["entries"]:
                sound = ""
                if entry["audio"]:
                    data = read_media(entry["audio"])
                    if data is not None:
                        name = _media_name(pack["slug"], entry["audio"])
                        path = os.path.join(tmp, name)
                        with open(path, "wb") as fh:
                            fh.write(data)
                        media_files.append(path)
                        sound = f"[sound:{name}]"
                fields = [text_to_field(entry[n]) for n in ENTRY_FIELDS[:-1]] + [sound]
                deck.add_note(
                    genanki.Note(
                        model=MODEL,
                        fields=fields,
                        guid=genanki.guid_for(pack["slug"], entry["text"].lower()),
                        tags=[t.replace(" ", "_") for t in pack["tags"]],
                    )
                )
            decks.append(deck)
        out = io.BytesIO()
        genanki.Package(decks, media_files=media_files).write_to_file(out)
    return out.getvalue()


def _clean(value: str) -> str:
    return field_to_text(value)


def field_map(names: list[str], overrides: dict[str, str] | None = None) -> dict[str, int]:
    """Our field → index of the note type's field. `overrides`: {our field: Anki field name}, for
    decks whose names differ (case and spaces ignored)."""
    keyed = {re.sub(r"[\s_-]+", "", n.lower()): i for i, n in enumerate(names)}
    mapping = {}
    for target, aliases in FIELD_NAMES.items():
        for alias in aliases:
            if alias in keyed:
                mapping[target] = keyed[alias]
                break
    for target, name in (overrides or {}).items():
        index = keyed.get(re.sub(r"[\s_-]+", "", str(name).lower()))
        if index is not None:
            mapping[target] = index
    if "text" not in mapping and names:
        mapping["text"] = 0
        if len(names) > 1 and 1 not in mapping.values():
            mapping.setdefault("translation", 1)
    return mapping


_field_map = field_map


def read_apkg(data: bytes, *, file: str, defaults: dict) -> list[RawPack]:
    try:
        with open_package(data, limits=limits()) as package:
            return _read(package, file=file, defaults=defaults)
    except AnkiFormatError as exc:
        raise FormatError(exc.message, line=exc.line) from None


def limits() -> Limits:
    return Limits(
        collection_bytes=getattr(settings, "ANKI_MAX_COLLECTION_BYTES", Limits.collection_bytes),
        media_file_bytes=getattr(settings, "ANKI_MAX_MEDIA_FILE_BYTES", Limits.media_file_bytes),
    )


def _read(package: AnkiPackage, *, file: str, defaults: dict) -> list[RawPack]:
    first_deck: dict[int, int] = {}
    for card in package.cards():
        first_deck.setdefault(card.note_id, card.deck_id)
    packs: dict[int, RawPack] = {}
    mappings: dict[int, dict[str, int]] = {}
    for note in package.notes():
        number = note.number
        did = first_deck.get(note.id, 0)
        deck = package.decks.get(did) or Deck(did, "Imported", "")
        pack = packs.get(did)
        if pack is None:
            marker = MARKER.search(deck.description)
            try:
                meta = json.loads(marker.group(1)) if marker else {}
            except json.JSONDecodeError:
                meta = {}
            if not isinstance(meta, dict):
                meta = {}
            slug = meta.pop("slug", None) or slugify(deck.name.replace("::", "-"))[:100] or "imported"
            pack = packs[did] = RawPack(slug=str(slug), file=file, line=number)
            pack.meta = {
                "title": deck.name.split("::")[-1] or "Imported",
                **{k: v for k, v in defaults.items() if v},
                **{k: v for k, v in meta.items() if k in PACK_FIELDS and v not in (None, "")},
            }
            if not marker and deck.description:
                pack.meta.setdefault("description", _clean(deck.description))
        model = package.models.get(note.model_id)
        if model is None:
            pack.errors.append((number, f"note type {note.model_id} is missing from the collection"))
            continue
        mapping = mappings.get(model.id)
        if mapping is None:
            mapping = mappings[model.id] = field_map(model.fields)
        fields = note.fields
        values = {t: _clean(fields[i]) for t, i in mapping.items() if i < len(fields) and t != "audio"}
        row = RawRow(line=number, values=values)
        audio = mapping.get("audio")
        found = sounds(fields[audio] if audio is not None and audio < len(fields) else "\x1f".join(fields))
        if found:
            name = found[0]
            media = package.read_media(name)
            if media is None:
                pack.errors.append((number, f"audio {name!r} is not in the package's media"))
                continue
            row.media = media
            row.media_name = slugify(os.path.splitext(name)[0]) + os.path.splitext(name)[1].lower()
        pack.rows.append(row)
    return list(packs.values())
