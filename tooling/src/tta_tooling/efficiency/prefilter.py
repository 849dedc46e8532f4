"""A text test run before parsing: can this file hold a call matching the patterns?

A call matching ``module.function`` spells ``function(`` (or imports it under
an alias: ``function as``); ``*.a.b`` spells ``a.b(``; ``module.Class().m``
spells ``m(`` and names ``Class`` somewhere (its import, constructor or
annotation). A file with none of these cannot match, so it is not parsed.
"""

from __future__ import annotations

import re

from tta_tooling.efficiency.patterns import CallPattern

__all__ = ["CandidateFilter"]


class CandidateFilter:
    """``filter(text)`` is False only when no call in ``text`` can match a pattern.

    One regular expression per spelling, each starting with a literal, so the
    regex engine scans for it with its fast literal search.
    """

    def __init__(self, patterns: tuple[CallPattern, ...]) -> None:
        required: dict[str, set[str | None]] = {}
        for pattern in patterns:
            word = pattern.target.rpartition(".")[2] if pattern.kind == "instance" else None
            required.setdefault(_spelling(pattern), set()).add(word)
        self._checks = [(re.compile(spelling), words) for spelling, words in required.items()]

    def __call__(self, text: str) -> bool:
        return any(
            regex.search(text) is not None and any(word is None or word in text for word in words)
            for regex, words in self._checks
        )

    def spells_call(self, text: str) -> bool:
        """``text`` spells a call of a pattern, whatever names its receiver's class (a
        client imported from another module: ``from .config import client``)."""
        return any(regex.search(text) is not None for regex, _ in self._checks)

    @property
    def classes(self) -> frozenset[str]:
        """The class names of the ``module.Class().method`` patterns."""
        return frozenset(word for _, words in self._checks for word in words if word)


def _spelling(pattern: CallPattern) -> str:
    if pattern.kind == "function":
        return rf"{re.escape(pattern.final_name)}(?:\s*\(|\s+as\b)"
    return r"\s*\.\s*".join(map(re.escape, pattern.chain)) + r"\s*\("
