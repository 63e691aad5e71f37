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
Only the legacy collection format (`collection.anki2`/`.anki21`, what genanki and Anki's
"support older Anki versions" export write) is read.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import sqlite3
import tempfile
import zipfile

import genanki
from django.utils.text import slugify

from .formats import ENTRY_FIELDS, PACK_FIELDS, FormatError, RawPack, RawRow

MODEL_ID = 1_730_406_118  # fixed: Anki matches note types by id across imports
MARKER = re.compile(r"<!--langlearn:(\{.*?\})-->", re.S)
SOUND = re.compile(r"\[sound:([^\]]+)\]")
TAG = re.compile(r"<[^>]+>")
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
                fields = [html.escape(entry[n]) for n in ENTRY_FIELDS[:-1]] + [sound]
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
    return " ".join(html.unescape(TAG.sub(" ", SOUND.sub("", value.replace("<br>", " ")))).split())


def _field_map(names: list[str]) -> dict[str, int]:
    keyed = {re.sub(r"[\s_-]+", "", n.lower()): i for i, n in enumerate(names)}
    mapping = {}
    for target, aliases in FIELD_NAMES.items():
        for alias in aliases:
            if alias in keyed:
                mapping[target] = keyed[alias]
                break
    if "text" not in mapping and names:
        mapping["text"] = 0
        if len(names) > 1 and 1 not in mapping.values():
            mapping.setdefault("translation", 1)
    return mapping


def read_apkg(data: bytes, *, file: str, defaults: dict) -> list[RawPack]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FormatError("not an Anki package (not a zip file)") from None
    names = set(archive.namelist())
    collection = next((n for n in ("collection.anki21", "collection.anki2") if n in names), None)
    if collection is None:
        if "collection.anki21b" in names:
            raise FormatError(
                "this package uses Anki's newer compressed format; export it again with "
                "'Support older Anki versions' ticked"
            )
        raise FormatError("not an Anki package (no collection database)")
    media_index = json.loads(archive.read("media") or b"{}") if "media" in names else {}
    media_by_name = {name: number for number, name in media_index.items()}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "collection.sqlite")
        with open(path, "wb") as fh:
            fh.write(archive.read(collection))
        conn = sqlite3.connect(path)
        try:
            models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
            notes = conn.execute(
                "SELECT n.mid, n.flds, (SELECT c.did FROM cards c WHERE c.nid = n.id ORDER BY c.ord LIMIT 1) "
                "FROM notes n ORDER BY n.id"
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise FormatError(f"unreadable Anki collection ({exc})") from None
        finally:
            conn.close()
    models = {int(k): v for k, v in json.loads(models_json).items()}
    decks = {int(k): v for k, v in json.loads(decks_json).items()}
    packs: dict[int, RawPack] = {}
    for number, (mid, flds, did) in enumerate(notes, start=1):
        deck = decks.get(did) or {"name": "Imported", "desc": ""}
        pack = packs.get(did)
        if pack is None:
            marker = MARKER.search(deck.get("desc", ""))
            meta = json.loads(marker.group(1)) if marker else {}
            slug = meta.pop("slug", None) or slugify(deck["name"].replace("::", "-"))[:100]
            pack = packs[did] = RawPack(slug=slug, file=file, line=number)
            pack.meta = {
                "title": deck["name"].split("::")[-1],
                **{k: v for k, v in defaults.items() if v},
                **{k: v for k, v in meta.items() if k in PACK_FIELDS and v not in (None, "")},
            }
            if not marker and deck.get("desc"):
                pack.meta.setdefault("description", _clean(deck["desc"]))
        model = models.get(mid)
        if model is None:
            pack.errors.append((number, "note type missing from the collection"))
            continue
        fields = flds.split("\x1f")
        mapping = _field_map([f["name"] for f in sorted(model["flds"], key=lambda f: f["ord"])])
        values = {t: _clean(fields[i]) for t, i in mapping.items() if i < len(fields) and t != "audio"}
        row = RawRow(line=number, values=values)
        sounds = SOUND.findall(
            fields[mapping["audio"]] if "audio" in mapping and mapping["audio"] < len(fields) else flds
        )
        if sounds:
            name = sounds[0]
            if name in media_by_name and str(media_by_name[name]) in names:
                row.media = archive.read(str(media_by_name[name]))
                row.media_name = slugify(os.path.splitext(name)[0]) + os.path.splitext(name)[1].lower()
            else:
                pack.errors.append((number, f"audio {name!r} is not in the package's media"))
                continue
        pack.rows.append(row)
    return list(packs.values())
