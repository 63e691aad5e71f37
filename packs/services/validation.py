"""Row and pack-field validation for imports; every message names what is wrong, the caller adds
the file and line."""

from __future__ import annotations

from collections.abc import Callable

from langlearn.languages import CEFRLevel, is_supported
from vocab.keys import normalize_key

from ..models import WordBankPack
from .formats import RawPack

MAX_LENGTHS = {"text": 200, "translation": 500, "part_of_speech": 16, "audio": 300}
MAX_TEXT_FIELD = 5000
LEVELS = set(CEFRLevel.values)


def validate_meta(raw: RawPack, existing: WordBankPack | None, err: Callable[[int, str], None]) -> dict:
    meta = dict(raw.meta)
    if existing is None:
        if not meta.get("title"):
            err(raw.line, "a new pack needs a title (pack_title)")
        for name in ("source_language", "target_language"):
            if not meta.get(name):
                err(raw.line, f"a new pack needs {name}")
    for name in ("source_language", "target_language"):
        code = meta.get(name)
        if code and not is_supported(str(code)):
            err(raw.line, f"{name} {code!r} is not a supported language")
    src = meta.get("source_language") or (existing and existing.source_language)
    tgt = meta.get("target_language") or (existing and existing.target_language)
    if src and src == tgt:
        err(raw.line, "source and target language must differ")
    if existing is not None and (src, tgt) != (existing.source_language, existing.target_language):
        err(
            raw.line,
            f"pack {existing.slug!r} is {existing.source_language}→{existing.target_language}; "
            f"the file says {src}→{tgt} (change a pack's languages in the admin)",
        )
    if meta.get("level") and str(meta["level"]).upper() not in LEVELS:
        err(raw.line, f"level {meta['level']!r} is not one of {', '.join(sorted(LEVELS))}")
    elif meta.get("level"):
        meta["level"] = str(meta["level"]).upper()
    if len(str(meta.get("title", ""))) > 200:
        err(raw.line, "title is longer than 200 characters")
    return meta


def validate_rows(raw: RawPack, err: Callable[[int, str], None]) -> list[tuple[int, str, dict, int]]:
    """(line, normalised text, given values, given position or None, index in the pack) per good row."""
    seen: dict[str, int] = {}
    good = []
    # Hot loop for big files: the detailed length checks run only when some value is long.
    for index, row in enumerate(raw.rows, start=1):
        values = row.values
        raw_text = values.get("text", "")
        text = " ".join(raw_text.split())
        bad = False
        if not text:
            err(row.line, "text is empty")
            bad = True
        if max(map(len, values.values()), default=0) > MAX_LENGTHS["text"] or (
            len(values.get("part_of_speech", "")) > MAX_LENGTHS["part_of_speech"]
        ):
            bad = check_lengths(row.line, values, err) or bad
        key = normalize_key(text)
        if text and key in seen:
            err(row.line, f"duplicate of line {seen[key]} ({text!r})")
            bad = True
        if bad:
            continue
        seen[key] = row.line
        good.append((row.line, key, values if text == raw_text else {**values, "text": text}, row.position, index))
    return good


def check_lengths(line: int, values: dict[str, str], err: Callable[[int, str], None]) -> bool:
    bad = False
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            err(line, f"{name} is longer than {limit} characters")
            bad = True
    for name in ("example_sentence", "example_translation", "notes"):
        if len(values.get(name, "")) > MAX_TEXT_FIELD:
            err(line, f"{name} is longer than {MAX_TEXT_FIELD} characters")
            bad = True
    return bad
