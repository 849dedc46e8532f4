"""Shared output of every gate family: findings as text, JSON or GitHub annotations,
and markdown tables appended to the GitHub Actions step summary."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: the file, the line (when known), where in the file, and what."""

    file: str
    message: str
    line: int | None = None
    where: str = ""

    def as_text(self) -> str:
        """``file:line: [where] message`` on one line."""
        location = f"{self.file}:{self.line}" if self.line is not None else self.file
        scope = f" [{self.where}]" if self.where else ""
        return f"{location}:{scope} {self.message}"

    def as_github_annotation(self) -> str:
        """A GitHub Actions ``::error`` workflow command, escaped as GitHub specifies."""
        props = f"file={_escape_property(self.file)}"
        if self.line is not None:
            props += f",line={self.line}"
        scope = f"[{self.where}] " if self.where else ""
        return f"::error {props}::{_escape_data(scope + self.message)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def on_github_actions() -> bool:
    """True when running as a GitHub Actions step."""
    return os.environ.get("GITHUB_ACTIONS") == "true"


def render(findings: Sequence[Finding], output_format: str, *, github: bool) -> str:
    """Render findings as ``text`` (annotations on GitHub Actions) or ``json``."""
    if output_format == "json":
        return json.dumps([asdict(f) for f in findings], indent=2)
    if github:
        return "\n".join(f.as_github_annotation() for f in findings)
    return "\n".join(f.as_text() for f in findings)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table; ``|`` in cells is escaped."""

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *map(line, rows)])


def append_step_summary(markdown: str) -> bool:
    """Append ``markdown`` to ``$GITHUB_STEP_SUMMARY`` when it is set; True if written."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as summary:
        summary.write(markdown.rstrip("\n") + "\n\n")
    return True
