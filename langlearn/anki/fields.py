"""Which Anki note field holds which of our fields: matched by name (case, spaces, `_`/`-` ignored),
or by an explicit mapping {our field: Anki field name} when a deck names them differently. A note
type with none of the word names uses its first field as the word and its second as translation."""

from __future__ import annotations

FIELD_NAMES = {
    "text": ("front", "word", "text", "expression", "target", "vocab", "vocabulary"),
    "translation": ("back", "meaning", "translation", "native", "definition"),
    "part_of_speech": ("partofspeech", "pos"),
    "example_sentence": ("example", "examplesentence", "sentence"),
    "example_translation": ("exampletranslation", "sentencetranslation", "sentencemeaning"),
    "notes": ("notes", "note", "extra"),
    "audio": ("audio", "sound", "wordaudio"),
}


def normalise(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def field_map(names: list[str], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """Our field → index of the note type's field; `mapping` wins over the names."""
    keyed: dict[str, int] = {}
    for index, name in enumerate(names):
        keyed.setdefault(normalise(name), index)
    found: dict[str, int] = {}
    for target, aliases in FIELD_NAMES.items():
        index = next((keyed[a] for a in aliases if a in keyed), None)
        if index is not None:
            found[target] = index
    for target, name in (mapping or {}).items():
        if normalise(str(name)) in keyed:
            found[target] = keyed[normalise(str(name))]
    if "text" not in found and names:
        found["text"] = 0
        if len(names) > 1 and 1 not in found.values():
            found.setdefault("translation", 1)
    return found
