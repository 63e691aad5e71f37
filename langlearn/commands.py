"""Argument types and errors shared by the management commands.

An ordinary mistake (a bad id, a negative count, a file that cannot be written) ends a command with
one line on stderr and exit status 2 — argparse's status for a usage error — never a traceback.
The `type=` callables below make argparse reject nonsense before `handle()` runs.
"""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path

from django.core.management.base import CommandError

USAGE_ERROR = 2


def usage_error(message: str) -> CommandError:
    """A `CommandError` that exits with status 2: `raise usage_error("...") from exc`."""
    return CommandError(message, returncode=USAGE_ERROR)


def positive_int(value: str) -> int:
    number = _int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def non_negative_int(value: str) -> int:
    number = _int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {number}")
    return number


def seconds(value: str) -> float:
    """A finite number of seconds, at least 1 (a loop's period)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 1 <= number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be at least 1 second, got {value}")
    return number


def uuid_arg(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an id (a UUID such as 3f2b…): {value!r}") from None


def existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{value}: no such file")
    return path


def writable_file(value: str) -> Path:
    """A file path whose folder exists (checked before any work is done)."""
    path = Path(value)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{value} is a folder; give a file name")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"{path.parent}: no such folder")
    return path


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
