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
    regex engine scans for it with its fast literal search. Every spelling ends
    with the name the call spells last, so the spellings are grouped by that name
    and a group is skipped when its name is not in the text at all (a substring
    test, cheaper than one regex search per spelling).
    """

    def __init__(self, patterns: tuple[CallPattern, ...]) -> None:
        required: dict[str, dict[str, set[str | None]]] = {}
        for pattern in patterns:
            word = pattern.target.rpartition(".")[2] if pattern.kind == "instance" else None
            spellings = required.setdefault(pattern.final_name, {})
            spellings.setdefault(_spelling(pattern), set()).add(word)
        self._groups = [
            (final, [(re.compile(spelling), words) for spelling, words in spellings.items()])
            for final, spellings in required.items()
        ]
        self.classes: frozenset[str] = frozenset(
            word for _, checks in self._groups for _, words in checks for word in words if word
        )
        """The class names of the ``module.Class().method`` patterns."""

    def __call__(self, text: str) -> bool:
        return any(
            final in text
            and any(
                regex.search(text) is not None
                and any(word is None or word in text for word in words)
                for regex, words in checks
            )
            for final, checks in self._groups
        )

    def spells_call(self, text: str) -> bool:
        """``text`` spells a call of a pattern, whatever names its receiver's class (a
        client imported from another module: ``from .config import client``)."""
        return any(
            final in text and any(regex.search(text) is not None for regex, _ in checks)
            for final, checks in self._groups
        )


def _spelling(pattern: CallPattern) -> str:
    if pattern.kind == "function":
        return rf"{re.escape(pattern.final_name)}(?:\s*\(|\s+as\b)"
    return r"\s*\.\s*".join(map(re.escape, pattern.chain)) + r"\s*\("
