"""One suspected secret: where it is and which detector saw it, never its value."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Detection"]


@dataclass(frozen=True, slots=True)
class Detection:
    """``hashed_secret`` is detect-secrets' SHA-1 of the value, as stored in the baseline."""

    file: str
    line: int
    detector: str
    hashed_secret: str
    detail: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """What a baseline entry matches: file, hash and detector."""
        return (self.file, self.hashed_secret, self.detector)
