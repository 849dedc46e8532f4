"""A problem a gate found, and the ways it is reported."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass


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
        """A GitHub Actions ``::error`` workflow command."""
        props = f"file={self.file}" + (f",line={self.line}" if self.line is not None else "")
        scope = f"[{self.where}] " if self.where else ""
        return f"::error {props}::{scope}{self.message}"


def render(findings: Sequence[Finding], output_format: str, *, github: bool) -> str:
    """Render findings as ``text`` (annotations on GitHub Actions) or ``json``."""
    if output_format == "json":
        return json.dumps([asdict(f) for f in findings], indent=2)
    if github:
        return "\n".join(f.as_github_annotation() for f in findings)
    return "\n".join(f.as_text() for f in findings)
