"""Anki fields are HTML; ours are plain text with line breaks. `<br>` ↔ `\n` so multi-line notes
and examples survive a round trip; `<div>` blocks (what Anki's editor writes for Enter) are lines too."""

from __future__ import annotations

import html
import re

SOUND = re.compile(r"\[sound:([^\]]+)\]")
BREAK = re.compile(r"<br\s*/?>|</div>\s*<div[^>]*>|</?div[^>]*>|</p>\s*<p[^>]*>", re.I)
TAG = re.compile(r"<[^>]+>")
SPACES = re.compile(r"[^\S\n]+")


def field_to_text(value: str) -> str:
    """Anki field HTML → plain text: sounds dropped, breaks → \\n, other tags stripped, spaces
    collapsed within a line, blank lines at the ends dropped."""
    value = SOUND.sub("", value)
    value = BREAK.sub("\n", value.replace("\r\n", "\n").replace("\n", " ") if "<" in value else value)
    value = html.unescape(TAG.sub(" ", value))
    lines = [SPACES.sub(" ", line).strip() for line in value.split("\n")]
    return "\n".join(lines).strip("\n")


def text_to_field(value: str) -> str:
    """Plain text → Anki field HTML (escaped, \\n → <br>)."""
    return html.escape(value).replace("\r\n", "\n").replace("\n", "<br>")


def sounds(value: str) -> list[str]:
    return SOUND.findall(value)
