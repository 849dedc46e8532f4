"""Caps on what the server answers: no caller input and no gate output reaches an agent whole.

Every message is at most :data:`TEXT_LIMIT` characters and quotes a caller's value
in at most :data:`QUOTE_LIMIT`; an output excerpt keeps the last :data:`TEXT_LIMIT`.
Whatever is cut says how long the whole was.
"""

from __future__ import annotations

import re

TEXT_LIMIT = 2048
QUOTE_LIMIT = 120
LINE_LIMIT = 200
# Terminal control sequences and control characters other than tab and newline.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f]")


def abridged(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text``, or its head and tail around a marker giving the whole length."""
    if len(text) <= limit:
        return text
    marker = f" [... {len(text)} characters in total ...] "
    keep = max(limit - len(marker), 2)
    head = keep // 2
    return text[:head] + marker + text[len(text) - (keep - head) :]


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A caller's value as ``repr`` shows it, abridged."""
    return abridged(repr(value), limit)


def printable(text: str) -> str:
    """``text`` without terminal colour codes and control characters (tab and newline kept)."""
    return _CONTROL.sub("", text)


def tail(text: str, limit: int = TEXT_LIMIT) -> str:
    """The last ``limit`` characters of ``text``, after a line giving the whole length."""
    if len(text) <= limit:
        return text
    marker = f"[... last {limit} of {len(text)} characters ...]\n"
    return marker + text[len(text) - limit :]
