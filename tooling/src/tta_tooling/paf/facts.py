"""PAFCORE.md: the table of facts between its ``facts`` markers, one fact per row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError

START, END = "<!-- facts:start -->", "<!-- facts:end -->"
MANUAL = "manual"
_ID = re.compile(r"^[A-Z]+-\d{3}$")
_HEADER = ("id", "fact", "check")
_SEPARATOR = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact: a stable id, one sentence, and its check (or ``manual`` and why)."""

    id: str
    statement: str
    check: str
    line: int
    reason: str = ""

    @property
    def manual(self) -> bool:
        """Whether no automatic check enforces this fact."""
        return self.check == MANUAL


def parse_facts(path: Path) -> list[Fact]:
    """Every fact of ``path``; a malformed table raises :class:`InputError`."""
    lines = read_input(path).splitlines()
    start, end = _marker(path, lines, START), _marker(path, lines, END)
    if end < start:
        raise InputError(path, f"{END} comes before {START}", line=end + 1)
    facts: list[Fact] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(lines[start + 1 : end], start=start + 2):
        row = text.strip()
        if not row or _SEPARATOR.match(row):
            continue
        cells = _cells(path, number, row)
        if tuple(c.lower() for c in cells) == _HEADER:
            continue
        fact = _fact(path, number, cells)
        if fact.id in seen:
            raise InputError(
                path, f"field id: duplicate {fact.id} (first on line {seen[fact.id]})", line=number
            )
        seen[fact.id] = number
        facts.append(fact)
    if not facts:
        raise InputError(path, f"no facts between {START} and {END}")
    return facts


def _marker(path: Path, lines: list[str], marker: str) -> int:
    found = [i for i, text in enumerate(lines) if text.strip() == marker]
    if len(found) != 1:
        raise InputError(path, f"expected exactly one {marker} line, found {len(found)}")
    return found[0]


def _cells(path: Path, number: int, row: str) -> list[str]:
    if not (row.startswith("|") and row.endswith("|")):
        raise InputError(path, "not a table row: | id | fact | check |", line=number)
    cells = [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(row[1:-1])]
    if len(cells) != len(_HEADER):
        raise InputError(
            path, f"expected 3 cells (id, fact, check), found {len(cells)}", line=number
        )
    return cells


def _fact(path: Path, number: int, cells: list[str]) -> Fact:
    fact_id, statement, check = cells[0].strip("`"), cells[1], cells[2]
    if not _ID.match(fact_id):
        raise InputError(path, f"field id: {fact_id!r} is not like ARCH-001", line=number)
    if not statement:
        raise InputError(path, f"field fact: {fact_id} has no sentence", line=number)
    if check.lower().startswith(MANUAL):
        reason = check[len(MANUAL) :].lstrip(" :-").strip()
        if not reason:
            raise InputError(
                path, f"field check: {fact_id} is manual but gives no reason", line=number
            )
        return Fact(fact_id, statement, MANUAL, number, reason)
    check = check.strip("` ")
    if not check:
        raise InputError(path, f"field check: {fact_id} names no check", line=number)
    return Fact(fact_id, statement, check, number)
