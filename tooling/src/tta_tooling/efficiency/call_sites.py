"""What the rules are handed: a matched LLM call site, and the project's definitions."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, NamedTuple, Protocol

from tta_tooling.efficiency.instances import Receiver
from tta_tooling.efficiency.patterns import CallPattern
from tta_tooling.efficiency.syntax import Function

if TYPE_CHECKING:
    from tta_tooling.efficiency.module import SourceModule


class LlmCall(NamedTuple):
    """A call site that matches an LLM call pattern (a named tuple: one is made per call
    site, and a tuple is made faster than a frozen dataclass)."""

    node: ast.Call
    pattern: CallPattern
    receiver: Receiver | None


class Definitions(Protocol):
    """The functions of every scanned module, by qualified name (:mod:`.project`)."""

    def function(self, qualified: str) -> tuple[SourceModule, Function] | None:
        """The module defining ``qualified`` (``pkg.mod.f``, ``pkg.mod.Class.m``) and its def."""
        ...

    def callers(self, function: Function) -> list[tuple[SourceModule, ast.Call]]:
        """Every call of ``function`` (that reaches a model call) with its module."""
        ...

    def imported(self, qualified: str) -> tuple[SourceModule, str] | None:
        """The scanned module whose top level binds ``qualified``, and the name there."""
        ...
