"""The import rules of the house (README, "Architecture"), checked on the source.

Imports run downward only: the kernel (`langlearn/`) imports no app; accounts, then vocab, then
flashcards, then knowledge (word statuses, coverage), then packs, then articles / adventures (a
text may be written around a pack's words), then screens on top. vocab calls flashcards through
two seams only (card creation for new entries, card merging for entries found to be one word).
Tests, migrations and benchmarks are not the product and are not checked."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = {
    "langlearn": 0,
    "accounts": 1,
    "vocab": 2,
    "flashcards": 3,
    "knowledge": 4,
    "packs": 5,
    # Above packs: a text can be written around the words of a pack the learner chose.
    "articles": 6,
    "adventures": 6,
    "screens": 7,
}
# The only names vocab may import from flashcards.
SEAMS = {
    ("vocab", "flashcards"): {
        ("flashcards.services", "flashcards_create_for_entries"),
        # Entries of one word merged after a re-analysis (`manage.py relemmatize`): their cards and
        # review history move to the surviving entry.
        ("flashcards.services.merging", "flashcards_merge_entries"),
    }
}


def _product_modules(package: str) -> list[Path]:
    return [
        path
        for path in (ROOT / package).rglob("*.py")
        if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)
    ]


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """(module, imported name or "", line) for every import in the file, function-local ones too."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "", node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [(node.module, alias.name, node.lineno) for alias in node.names]
    return found


def _violations(package: str) -> list[str]:
    bad = []
    for path in _product_modules(package):
        for module, name, line in _imports(path):
            target = module.split(".")[0]
            if target not in LAYERS or target == package:
                continue
            where = f"{path.relative_to(ROOT)}:{line} imports {module}{'.' + name if name else ''}"
            seam = SEAMS.get((package, target))
            if seam is not None:
                if (module, name) not in seam:
                    bad.append(f"{where} (only {sorted(seam)} may be imported)")
            elif LAYERS[target] >= LAYERS[package]:
                bad.append(f"{where} (an app may import only the layers below it)")
    return bad


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_imports_run_downward_only(package):
    assert _violations(package) == []


def test_every_app_is_in_a_layer():
    """A new app must be given its place in the rules above."""
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYERS), apps - set(LAYERS)


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_serializers_come_from_the_kernel(package):
    """`langlearn.serializers` is DRF's module with strict JSON types; importing DRF's directly
    would quietly bring back DRF's coercion ("0" for 0, False for 0)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _product_modules(package)
        if path != ROOT / "langlearn" / "serializers.py"
        for module, name, line in _imports(path)
        if module == "rest_framework.serializers" or (module == "rest_framework" and name == "serializers")
    ]
    assert offenders == []
