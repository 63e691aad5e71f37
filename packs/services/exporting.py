"""`packs_export`: the same formats `packs_import` reads, so export → import round-trips."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from langlearn import storage

from ..models import WordBankPack, WordBankPackEntry
from .formats import ENTRY_FIELDS, write_csv, write_json

FORMATS = ("csv", "json", "apkg")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "apkg": "application/octet-stream"}


@dataclass(frozen=True)
class Exported:
    data: bytes
    content_type: str
    filename: str


def export_data(packs: Iterable[WordBankPack]) -> list[dict]:
    """Plain dicts of the packs and their entries (two queries)."""
    packs = list(packs)
    entries: dict = {p.id: [] for p in packs}
    for values in (
        WordBankPackEntry.objects.filter(pack__in=packs)
        .order_by("pack_id", "position", "created_at")
        .values("pack_id", "position", *ENTRY_FIELDS)
        .iterator(chunk_size=5000)
    ):
        entries[values.pop("pack_id")].append(values)
    return [
        {
            "slug": p.slug,
            "title": p.title,
            "description": p.description,
            "source_language": p.source_language,
            "target_language": p.target_language,
            "level": p.level,
            "tags": list(p.tags),
            "entries": entries[p.id],
        }
        for p in packs
    ]


def _read_media(key: str) -> bytes | None:
    try:
        return storage.read_bytes(key)
    except (FileNotFoundError, OSError):
        return None


def packs_export(*, packs: Iterable[WordBankPack], fmt: str) -> Exported:
    packs = list(packs)
    data = export_data(packs)
    name = packs[0].slug if len(packs) == 1 else "packs"
    if fmt == "csv":
        body = write_csv(data).encode()
    elif fmt == "json":
        body = write_json(data).encode()
    elif fmt == "apkg":
        from .anki import write_apkg

        body = write_apkg(data, read_media=_read_media)
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return Exported(body, CONTENT_TYPES[fmt], f"{name}.{fmt}")
