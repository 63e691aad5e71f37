"""Real Anki packages for tests, made with the official `anki` library (a dev dependency): the
judge of what Anki writes and reads. `make_package` writes today's default format (anki21b) or the
legacy one; `open_collection` opens a package with Anki itself to check what it sees."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

anki_collection = pytest.importorskip("anki.collection")


def make_package(
    path: Path,
    notes: list[dict],
    *,
    legacy: bool = False,
    deck: str = "Spanish::Words",
    notetype: str = "Basic",
) -> Path:
    """`notes`: {"fields": {name: html}, "audio": (name, bytes) | None, "reviews": [(ms, ease, ivl,
    last_ivl, factor, type)], "card": {"type", "queue", "ivl", "factor", "due", "reps", "lapses"}}."""
    with tempfile.TemporaryDirectory() as tmp:
        col = anki_collection.Collection(os.path.join(tmp, "c.anki2"))
        try:
            model = col.models.by_name(notetype)
            did = col.decks.id(deck)
            for spec in notes:
                note = col.new_note(model)
                for name, value in spec["fields"].items():
                    note[name] = value
                if spec.get("audio"):
                    name, data = spec["audio"]
                    src = os.path.join(tmp, name)
                    Path(src).write_bytes(data)
                    stored = col.media.add_file(src)
                    note[model["flds"][-1]["name"]] += f"[sound:{stored}]"
                col.add_note(note, did)
                card = note.cards()[0]
                if spec.get("card"):
                    for key, value in spec["card"].items():
                        setattr(card, key, value)
                    col.update_card(card)
                for ms, ease, ivl, last_ivl, factor, kind in spec.get("reviews", []):
                    col.db.execute(
                        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                        "VALUES (?, ?, -1, ?, ?, ?, ?, 6000, ?)",
                        ms,
                        card.id,
                        ease,
                        ivl,
                        last_ivl,
                        factor,
                        kind,
                    )
            options = anki_collection.ExportAnkiPackageOptions(
                with_scheduling=True, with_media=True, legacy=legacy, with_deck_configs=False
            )
            col.export_anki_package(out_path=str(path), options=options, limit=None)
        finally:
            col.close()
    return path


def open_collection(package: Path, tmp: Path):
    """Import `package` into a fresh collection with Anki itself; the caller closes it."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = anki_collection.Collection(str(tmp / "judge.anki2"))
    col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True))
    )
    return col
