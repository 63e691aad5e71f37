"""What an import did (or, on a dry run, would do): per pack and in total, with every rejected line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LineError:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass
class RowOutcome:
    line: int
    text: str
    action: str  # create / update / unchanged / skip / reject
    reason: str = ""

    def to_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "action": self.action, "reason": self.reason}


@dataclass
class PackReport:
    slug: str
    title: str
    file: str
    action: str = "unchanged"  # create / update / unchanged / reject
    pack_id: str | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # differs from the stored entry, left alone without --update
    rejected: int = 0
    changes: list[str] = field(default_factory=list)  # pack fields that change
    errors: list[LineError] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)

    def to_dict(self, *, with_rows: bool = False) -> dict:
        data = {
            "slug": self.slug,
            "title": self.title,
            "file": self.file,
            "action": self.action,
            "pack_id": self.pack_id,
            "entries": {
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "skipped": self.skipped,
                "rejected": self.rejected,
            },
            "changes": self.changes,
            "errors": [e.to_dict() for e in self.errors],
        }
        if with_rows:
            data["rows"] = [r.to_dict() for r in self.rows]
        return data


@dataclass
class ImportReport:
    dry_run: bool
    packs: list[PackReport] = field(default_factory=list)
    file_errors: list[LineError] = field(default_factory=list)  # files that could not be read at all

    @property
    def errors(self) -> list[LineError]:
        return [*self.file_errors, *(e for p in self.packs for e in p.errors)]

    @property
    def ok(self) -> bool:
        return not self.errors

    def totals(self) -> dict[str, int]:
        def packs(action: str) -> int:
            return sum(1 for p in self.packs if p.action == action)

        return {
            "packs_created": packs("create"),
            "packs_updated": packs("update"),
            "packs_unchanged": packs("unchanged"),
            "packs_rejected": packs("reject") + len(self.file_errors),
            "entries_created": sum(p.created for p in self.packs),
            "entries_updated": sum(p.updated for p in self.packs),
            "entries_unchanged": sum(p.unchanged for p in self.packs),
            "entries_skipped": sum(p.skipped for p in self.packs),
            "entries_rejected": sum(p.rejected for p in self.packs),
        }

    def summary(self) -> str:
        t = self.totals()
        head = "Dry run — nothing written. " if self.dry_run else ""
        text = (
            f"{head}Packs: {t['packs_created']} created, {t['packs_updated']} updated, "
            f"{t['packs_unchanged']} unchanged, {t['packs_rejected']} rejected. "
            f"Entries: {t['entries_created']} created, {t['entries_updated']} updated, "
            f"{t['entries_unchanged']} unchanged, {t['entries_rejected']} rejected"
        )
        if t["entries_skipped"]:
            text += f", {t['entries_skipped']} differ but kept (use --update to change them)"
        return text + "."

    def to_dict(self, *, with_rows: bool = False) -> dict:
        return {
            "dry_run": self.dry_run,
            "ok": self.ok,
            "totals": self.totals(),
            "summary": self.summary(),
            "packs": [p.to_dict(with_rows=with_rows) for p in self.packs],
            "errors": [e.to_dict() for e in self.errors],
        }
