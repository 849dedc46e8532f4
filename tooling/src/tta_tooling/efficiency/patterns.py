"""Call patterns: which calls are LLM calls, caches, routers, concurrency or truncation.

A pattern names a call by what it resolves to, never by a substring:

* ``litellm.completion``: a function (or class) reached through imports, also
  when the package re-exports it (same top-level package, same final name);
* ``openai.OpenAI().chat.completions.create``: a method reached through an
  object made by ``openai.OpenAI(...)`` (a constructor or factory call, a name
  or ``self`` attribute bound to one, or a name annotated with the class);
* ``*.chat.completions.create``: that attribute chain on any receiver.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

__all__ = [
    "CallPattern",
    "PatternError",
    "PatternIndex",
    "parse_pattern",
    "pattern_index",
    "per_pattern_list",
]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

PatternKind = Literal["function", "instance", "any"]
T = TypeVar("T")


class PatternError(ValueError):
    """A pattern that does not follow the grammar; the message says why."""


@dataclass(frozen=True, slots=True)
class CallPattern:
    """One parsed pattern; ``limits`` are the output-token keywords an LLM call accepts."""

    text: str
    kind: PatternKind
    target: str
    chain: tuple[str, ...]
    limits: frozenset[str] = frozenset()

    @property
    def final_name(self) -> str:
        """The name the call site spells last (what a text pre-filter can look for)."""
        return self.chain[-1] if self.chain else self.target.rsplit(".", 1)[-1]

    def matches_target(self, qualified: str) -> bool:
        """Whether ``qualified`` is ``target`` or a re-export of it from the same package.

        A method named through its class (``openai.ChatCompletion.create``) must keep
        the class: ``openai.Embedding.create`` is another call.
        """
        if qualified == self.target:
            return True
        parts, target = qualified.split("."), self.target.split(".")
        kept = 2 if target[-2][:1].isupper() else 1
        return len(parts) > kept and parts[0] == target[0] and parts[-kept:] == target[-kept:]


def parse_pattern(text: str, limits: frozenset[str] = frozenset()) -> CallPattern:
    """Parse ``text``; raises :class:`PatternError` when it is malformed."""
    if text.startswith("*."):
        chain = _names(text[2:], text)
        return CallPattern(text, "any", "", chain, limits)
    head, sep, tail = text.partition("().")
    if sep:
        target = _names(head, text)
        if len(target) < 2:
            raise PatternError(f"{text!r}: name the class with its module (module.Class().method)")
        return CallPattern(text, "instance", ".".join(target), _names(tail, text), limits)
    target = _names(text, text)
    if len(target) < 2:
        raise PatternError(f"{text!r}: name the function with its module (module.function)")
    return CallPattern(text, "function", ".".join(target), (), limits)


def _names(dotted: str, text: str) -> tuple[str, ...]:
    parts = tuple(dotted.split("."))
    if not all(_IDENTIFIER.match(part) for part in parts):
        raise PatternError(
            f"{text!r}: expected dotted names as module.function, "
            "module.Class().method or *.attribute.method"
        )
    return parts


def per_pattern_list(
    build: Callable[[tuple[CallPattern, ...]], T],
) -> Callable[[tuple[CallPattern, ...]], T]:
    """``build`` memoised per pattern list, the list found again by identity: hashing
    the default list (over 300 patterns, each hashed in Python) cost more than scanning
    a small file."""
    built: dict[int, tuple[tuple[CallPattern, ...], T]] = {}

    def memoised(patterns: tuple[CallPattern, ...]) -> T:
        entry = built.get(id(patterns))
        if entry is not None and entry[0] is patterns:
            return entry[1]
        if len(built) >= _MAX_LISTS:
            built.clear()
        value = build(patterns)
        built[id(patterns)] = (patterns, value)
        return value

    return memoised


_MAX_LISTS = 32
_MAX_SPELLINGS = 4096


@dataclass(frozen=True, slots=True)
class PatternIndex:
    """A pattern list by what a matching call spells: a function pattern by its final name
    (``completion``), any other by its attribute chain (``("completions", "create")``), a
    call being matched by one only when it ends with that chain. Each entry keeps the
    pattern's place in the list (the first matching pattern wins)."""

    functions: dict[str, list[tuple[int, CallPattern]]]
    chains: dict[tuple[str, ...], list[tuple[int, CallPattern]]]
    final_names: set[str]
    _asked: dict[tuple[str, tuple[str, ...]], list[CallPattern]]

    def candidates(self, final_name: str, spelled: tuple[str, ...]) -> list[CallPattern]:
        """The patterns a call spelling ``final_name`` last, through the attributes
        ``spelled`` (``a.b.c()``: ``("b", "c")``), may match, in the list's order
        (answered once per spelling)."""
        found = self._asked.get((final_name, spelled))
        if found is None:
            if len(self._asked) >= _MAX_SPELLINGS:
                self._asked.clear()
            found = self._asked[final_name, spelled] = self._find(final_name, spelled)
        return found

    def _find(self, final_name: str, spelled: tuple[str, ...]) -> list[CallPattern]:
        found = self.functions.get(final_name, [])
        chains = self.chains
        for length in range(1, len(spelled) + 1):
            more = chains.get(spelled[-length:])
            if more:
                found = sorted(found + more) if found else more
        return [pattern for _, pattern in found]


@per_pattern_list
def pattern_index(patterns: tuple[CallPattern, ...]) -> PatternIndex:
    """``patterns`` indexed by what a matching call spells (built once per list)."""
    index = PatternIndex({}, {}, {pattern.final_name for pattern in patterns}, {})
    for place, pattern in enumerate(patterns):
        if pattern.chain:
            index.chains.setdefault(pattern.chain, []).append((place, pattern))
        else:
            index.functions.setdefault(pattern.final_name, []).append((place, pattern))
    return index
