"""What follows the analyser when it changes (`manage.py relemmatize`, issue 14).

vocab re-keys the word bank (`services.relemmatize`); the apps above it hold data made by the
analyser too (a learner's status marks, pack entries, reader tokens) and register here, from their
`AppConfig.ready`, what they do about it, the way articles registers its job kind with
`langlearn.jobs`. vocab so imports none of them and the command is one door for all of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Report(Protocol):
    def lines(self, *, dry_run: bool) -> list[str]: ...


@dataclass(frozen=True)
class Reanalyser:
    """`run(nlp=, dry_run=, rebuild=, progress=)` → a Report. `progress(label, total)` returns the
    callback told of each step (or None). `rebuild` asks for eager work where an app has a lazy
    default (reader tokens). `count()` is the size of the work, for a progress bar."""

    name: str
    run: Callable[..., Report]
    count: Callable[[], int]


REANALYSERS: dict[str, Reanalyser] = {}
# (pair_id=, moves={old key: new key}, dry_run=) -> (moved, kept): keys other apps hold for words.
KEY_MOVED: list[Callable[..., tuple[int, int]]] = []


def register_reanalyser(name: str, *, run: Callable[..., Any], count: Callable[[], int]) -> None:
    REANALYSERS[name] = Reanalyser(name=name, run=run, count=count)


def register_key_moved(hook: Callable[..., tuple[int, int]]) -> None:
    if hook not in KEY_MOVED:
        KEY_MOVED.append(hook)


def keys_moved(*, pair_id, moves: dict[str, str], dry_run: bool) -> tuple[int, int]:
    """Tell every registered hook that these keys of the pair moved; the sum of what they did."""
    moved = kept = 0
    for hook in KEY_MOVED:
        m, k = hook(pair_id=pair_id, moves=moves, dry_run=dry_run)
        moved, kept = moved + m, kept + k
    return moved, kept
