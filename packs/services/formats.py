"""Reading pack files (CSV, JSON) into plain data with line numbers; validation lives in `importing`.

CSV — one row per entry, UTF-8, with a header line. Columns (any order; only `text` is required):

    pack_slug, pack_title, pack_description, source_language, target_language, level, tags,
    text, translation, part_of_speech, example_sentence, example_translation, notes, audio, position

`pack_*`, the languages, `level` and `tags` (comma-separated) describe the pack the row belongs to;
rows of one pack may repeat them or leave them blank after the first. Without `pack_slug` every row
goes to the pack chosen by the caller (the admin's "import into this pack", `import_packs --pack`).
`position` is optional (default: order in the file). A column that is absent is left untouched on
existing entries; `audio` is a storage key.

JSON — one pack object, a list of them, or `{"packs": [...]}`; a pack object is
`{"slug", "title", "description", "source_language", "target_language", "level", "tags": [...],
"entries": [{"text", "translation", "part_of_speech", ...}, ...]}`.

Anki `.apkg` is read in `packs.services.anki`.
"""

from __future__ import annotations

import csv
import io
import json
import json.decoder
import json.scanner
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..models import ENTRY_CONTENT_FIELDS

ENTRY_FIELDS = (*ENTRY_CONTENT_FIELDS, "audio")
PACK_FIELDS = ("title", "description", "source_language", "target_language", "level", "tags")
CSV_PACK_COLUMNS = {
    "pack_slug": "slug",
    "pack_title": "title",
    "pack_description": "description",
    "source_language": "source_language",
    "target_language": "target_language",
    "level": "level",
    "tags": "tags",
}
CSV_HEADER = [
    "pack_slug",
    "pack_title",
    "pack_description",
    "source_language",
    "target_language",
    "level",
    "tags",
    *ENTRY_FIELDS,
    "position",
]


class FormatError(Exception):
    """The file cannot be read at all (not a CSV/JSON/apkg, bad header, bad JSON)."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class RawRow:
    line: int
    values: dict[str, str]  # only the fields the source gave
    position: int | None = None
    media: bytes | None = None  # audio bytes carried inside the file (apkg)
    media_name: str = ""


@dataclass
class RawPack:
    slug: str | None  # None: the caller's default pack
    file: str
    line: int
    meta: dict[str, object] = field(default_factory=dict)
    rows: list[RawRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    # CSV rows read but not yet made into `rows` — (line, cells) — and what makes them: `load()`.
    # Reading only sorts a file's rows into packs; each pack's rows are built when the import
    # reaches that pack, while the database stores the previous one.
    unbuilt: list[tuple[int, list[str]]] = field(default_factory=list, repr=False)
    build: Callable[[RawPack, list[tuple[int, list[str]]]], None] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        """Rows in the file for this pack, built or not."""
        return len(self.rows) + len(self.unbuilt)

    def load(self) -> RawPack:
        if self.unbuilt and self.build is not None:
            unbuilt, self.unbuilt = self.unbuilt, []
            self.build(self, unbuilt)
        return self


def split_tags(value: object) -> list[str]:
    items = [str(v) for v in value] if isinstance(value, list) else str(value or "").split(",")
    seen: dict[str, None] = {}
    for item in items:
        tag = item.strip().lower()
        if tag:
            seen[tag] = None
    return list(seen)


def read_csv(data: bytes, *, file: str) -> list[RawPack]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FormatError("empty file", line=1) from None
    known = set(CSV_HEADER)
    unknown = [h for h in header if h not in known]
    if unknown:
        raise FormatError(f"unknown column(s) {', '.join(unknown)}; expected some of: {', '.join(CSV_HEADER)}", line=1)
    if "text" not in header:
        raise FormatError("the header has no `text` column", line=1)
    if len(set(header)) != len(header):
        raise FormatError("a column is named twice in the header", line=1)
    entry_names = [h for h in header if h in ENTRY_FIELDS]
    entry_cells = operator.itemgetter(*[header.index(h) for h in entry_names], 0)  # 0: always a tuple
    meta_cols = [(i, CSV_PACK_COLUMNS[h]) for i, h in enumerate(header) if h in CSV_PACK_COLUMNS and h != "pack_slug"]
    meta_cells = operator.itemgetter(*[i for i, _ in meta_cols], 0) if meta_cols else None
    slug_idx = header.index("pack_slug") if "pack_slug" in header else None
    pos_idx = header.index("position") if "position" in header else None
    width = len(header)
    packs: dict[str | None, RawPack] = {}
    seen_meta: dict[str | None, tuple] = {}  # per pack, the raw pack cells already taken in
    strip = str.strip

    def build(pack: RawPack, unbuilt: list[tuple[int, list[str]]]) -> None:
        # Per row only a tuple slice, one dict and one object.
        rows = pack.rows
        for line, cells in unbuilt:
            row = RawRow(line, dict(zip(entry_names, map(strip, entry_cells(cells)), strict=False)))
            if pos_idx is not None and cells[pos_idx].strip():
                try:
                    row.position = int(cells[pos_idx])
                    if row.position < 0:
                        raise ValueError
                except ValueError:
                    pack.errors.append((line, f"position {cells[pos_idx]!r} is not a whole number ≥ 0"))
                    continue
            rows.append(row)

    # Cells escaped against formulas are rare: one scan of the file instead of a look at every cell.
    escaped = _ESCAPED_CELL.search(text) is not None
    # The hot loop of a 100,000-row import sorts rows into packs (`RawPack.load` builds them later);
    # pack columns are looked at only when they differ from the pack's previous row.
    for cells in reader:
        if escaped:  # csv_cell_unescape inlined: a call per cell was a quarter of the parse
            cells = [c[1:] if c[:1] == "'" and c[1:2] in _FORMULA_CHARS else c for c in cells]
        if not any(cells):
            continue  # blank lines (and rows of empty cells) are not rows
        line = reader.line_num
        if len(cells) != width:
            slug = strip(cells[slug_idx]) if slug_idx is not None and slug_idx < len(cells) else None
            pack = packs.get(slug) or packs.setdefault(slug, RawPack(slug=slug, file=file, line=line, build=build))
            pack.errors.append((line, f"expected {width} columns, found {len(cells)}"))
            continue
        slug = strip(cells[slug_idx]) if slug_idx is not None else None
        pack = packs.get(slug)
        if pack is None:
            pack = packs[slug] = RawPack(slug=slug, file=file, line=line, build=build)
        if meta_cells is not None:
            raw_meta = meta_cells(cells)
            if raw_meta != seen_meta.get(slug):
                seen_meta[slug] = raw_meta
                _take_meta(pack, meta_cols, cells, line)
        pack.unbuilt.append((line, cells))
    return list(packs.values())


def _take_meta(pack: RawPack, meta_cols: list[tuple[int, str]], cells: list[str], line: int) -> None:
    for i, name in meta_cols:
        value = cells[i].strip()
        if not value:
            continue
        new = split_tags(value) if name == "tags" else value
        old = pack.meta.get(name)
        if old is None:
            pack.meta[name] = new
        elif old != new:
            pack.errors.append((line, f"{name} {new!r} differs from {old!r} given earlier for this pack"))


def _line_tracking_decoder(text: str) -> json.JSONDecoder:
    """A decoder that stamps every object with the line it starts on (`__line__`), so errors in
    JSON files can name a line like CSV errors do. Uses the pure-Python scanner (slower, fine
    for files editors hand in)."""
    decoder = json.JSONDecoder()

    def parse_object(s_and_end, *args, **kwargs):
        s, end = s_and_end
        obj, new_end = json.decoder.JSONObject(s_and_end, *args, **kwargs)
        if isinstance(obj, dict):
            obj["__line__"] = s.count("\n", 0, end) + 1
        return obj, new_end

    decoder.parse_object = parse_object
    decoder.scan_once = json.scanner.py_make_scanner(decoder)
    return decoder


def read_json(data: bytes, *, file: str) -> list[RawPack]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        doc = _line_tracking_decoder(text).decode(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"invalid JSON: {exc.msg}", line=exc.lineno) from None
    if isinstance(doc, dict) and "packs" in doc:
        doc = doc["packs"]
    items = doc if isinstance(doc, list) else [doc]
    packs: list[RawPack] = []
    for item in items:
        if not isinstance(item, dict):
            raise FormatError("a pack must be a JSON object", line=1)
        line = int(item.get("__line__", 1))
        slug = item.get("slug")
        pack = RawPack(slug=str(slug).strip() if slug is not None else None, file=file, line=line)
        for name in PACK_FIELDS:
            if item.get(name) not in (None, ""):
                pack.meta[name] = split_tags(item[name]) if name == "tags" else str(item[name]).strip()
        entries = item.get("entries", [])
        if not isinstance(entries, list):
            pack.errors.append((line, "`entries` must be a list"))
            entries = []
        for entry in entries:
            if not isinstance(entry, dict):
                pack.errors.append((line, "an entry must be a JSON object"))
                continue
            row_line = int(entry.get("__line__", line))
            values = {name: str(entry[name]).strip() for name in ENTRY_FIELDS if entry.get(name) is not None}
            row = RawRow(line=row_line, values=values)
            if entry.get("position") is not None:
                if isinstance(entry["position"], int) and entry["position"] >= 0:
                    row.position = entry["position"]
                else:
                    pack.errors.append((row_line, f"position {entry['position']!r} is not a whole number ≥ 0"))
                    continue
            pack.rows.append(row)
        packs.append(pack)
    return packs


# OWASP CSV injection: a cell a spreadsheet would read as a formula (=HYPERLINK(...), +, -, @, or a
# leading tab / carriage return) is written with a leading apostrophe, which spreadsheets show as
# text. read_csv drops that apostrophe again, so an exported file imports unchanged (issue 19).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARS = frozenset(_FORMULA_STARTS)
# An apostrophe before such a character anywhere in the file (a literal-led pattern: a fast scan);
# rare in real text, and a match that is not a cell's start only costs the per-cell look.
_ESCAPED_CELL = re.compile(r"'[=+\-@\t\r]")


def csv_cell_escape(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_cell_unescape(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


def write_csv(packs: list[dict]) -> str:
    """`packs`: dicts with the pack fields plus `entries` (dicts of ENTRY_FIELDS + position)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for pack in packs:
        meta = [
            pack["slug"],
            pack["title"],
            pack["description"],
            pack["source_language"],
            pack["target_language"],
            pack["level"],
            ", ".join(pack["tags"]),
        ]
        for entry in pack["entries"]:
            cells = [*meta, *(entry[name] for name in ENTRY_FIELDS), entry["position"]]
            writer.writerow([csv_cell_escape(c) for c in cells])
    return out.getvalue()


def write_json(packs: list[dict]) -> str:
    return json.dumps({"packs": packs}, ensure_ascii=False, indent=2) + "\n"
