"""Every scanned module, and which of their functions reach an LLM call.

A function (or method) whose body makes an LLM call, directly or through other
such functions in the scanned files, is itself an LLM call site: a summary per
function (the model call it reaches and who calls it) is computed once per scan
and followed across modules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from tta_tooling.efficiency.call_sites import LlmCall
from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.patterns import CallPattern
from tta_tooling.efficiency.syntax import FUNCTIONS, Function

__all__ = ["HelperCall", "Project", "Reach", "spells_any"]


@dataclass(frozen=True, slots=True)
class Reach:
    """The model call a function reaches: its file, line and column."""

    file: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class HelperCall:
    """A call of a scanned function that reaches a model call."""

    node: ast.Call
    owner: SourceModule
    function: Function
    reach: Reach

    @property
    def name(self) -> str:
        """The callee as the caller reads it (``ask``, ``Bot.reply``)."""
        return self.owner.local_name(self.function)


class Project:
    """The parsed modules of one scan, their LLM call sites and function summaries."""

    def __init__(self, patterns: tuple[CallPattern, ...]) -> None:
        self._patterns = patterns
        self.modules: list[SourceModule] = []
        self.llm_calls: dict[str, list[LlmCall]] = {}
        self._by_name: dict[str, SourceModule | None] = {}
        self._reach: dict[int, Reach] = {}
        self._callers: dict[int, list[tuple[SourceModule, ast.Call]]] = {}
        self._helpers: dict[str, list[HelperCall]] = {}

    def add(self, module: SourceModule) -> None:
        """Index ``module`` (summaries are recomputed by :meth:`summarize`)."""
        module.project = self
        self.modules.append(module)
        # two files with one dotted name (scripts in several folders): neither is importable
        self._by_name[module.name] = None if module.name in self._by_name else module

    def function(self, qualified: str) -> tuple[SourceModule, Function] | None:
        """The scanned module defining ``qualified`` and its ``def``."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = self._by_name.get(".".join(parts[:cut]))
            if module is not None:
                local = ".".join(parts[cut:])
                found = module.functions.get(local)
                if found is None or local in module.redefined:
                    return None
                return module, found
        return None

    def imported(self, qualified: str) -> tuple[SourceModule, str] | None:
        """The scanned module whose top level binds ``qualified`` (``pkg.config.client``)
        and the name there."""
        module_name, _, name = qualified.rpartition(".")
        module = self._by_name.get(module_name)
        return (module, name) if module is not None else None

    def summarize(self) -> None:
        """The LLM call sites of modules added since the last summary (once every module
        of the round is there: a client may be made in a module added after its user),
        which functions reach a model call, and every call of such a function."""
        for module in self.modules:
            if module.relpath not in self.llm_calls:
                self.llm_calls[module.relpath] = module.llm_calls(self._patterns)
        reach = self._direct_reach()
        edges = self._edges()
        callers_of: dict[int, list[int]] = {}
        for module, call, _, callee in edges:
            scope = module.scope_of(call)
            if isinstance(scope, FUNCTIONS):
                callers_of.setdefault(id(callee), []).append(id(scope))
        pending = list(reach)
        while pending:  # each function is reached once: linear in the call edges
            reached = pending.pop()
            for caller in callers_of.get(reached, []):
                if caller not in reach:
                    reach[caller] = reach[reached]
                    pending.append(caller)
        self._reach = reach
        self._callers = {}
        self._helpers = {module.relpath: [] for module in self.modules}
        for module, call, owner, callee in edges:
            if id(callee) in reach:
                self._callers.setdefault(id(callee), []).append((module, call))
                self._helpers[module.relpath].append(
                    HelperCall(call, owner, callee, reach[id(callee)])
                )

    def _direct_reach(self) -> dict[int, Reach]:
        """The functions making a model call themselves."""
        reach: dict[int, Reach] = {}
        for module in self.modules:
            for llm in self.llm_calls[module.relpath]:
                scope = module.scope_of(llm.node)
                if id(scope) not in reach and isinstance(scope, FUNCTIONS):
                    reach[id(scope)] = Reach(
                        module.relpath, llm.node.lineno, module.column(llm.node)
                    )
        return reach

    def _edges(self) -> list[tuple[SourceModule, ast.Call, SourceModule, Function]]:
        """Every call (outside model calls) of a function defined in the scanned files."""
        names = self._function_names()
        llm_nodes = {id(llm.node) for calls in self.llm_calls.values() for llm in calls}
        edges: list[tuple[SourceModule, ast.Call, SourceModule, Function]] = []
        for module in self.modules:
            for call in module.calls_spelling(names):
                if id(call) in llm_nodes:
                    continue
                found = module.resolve_function(call.func, call)
                if found is not None:
                    edges.append((module, call, *found))
        return edges

    def helper_calls(self, module: SourceModule) -> list[HelperCall]:
        """The calls in ``module`` of scanned functions that reach a model call."""
        return self._helpers.get(module.relpath, [])

    def callers(self, function: Function) -> list[tuple[SourceModule, ast.Call]]:
        """Every call of ``function`` in the scanned files, with its module."""
        return self._callers.get(id(function), [])

    def client_names(self, classes: frozenset[str]) -> set[str]:
        """Names bound at a module's top level to a constructor of one of ``classes``
        (what another module imports the client as)."""
        return {
            name
            for module in self.modules
            if not classes.isdisjoint(module.final_names)  # else no call makes one
            for name, values in module.bindings(module.tree).items()
            if any(
                isinstance(value, ast.Call) and module.final_name(value) in classes
                for value in values
            )
        }

    def reaching_names(self) -> set[str]:
        """The names of the functions that reach a model call (what a caller spells)."""
        return {
            function.name
            for module in self.modules
            for function in module.functions.values()
            if id(function) in self._reach
        }

    def _function_names(self) -> set[str]:
        return {name.rpartition(".")[2] for module in self.modules for name in module.functions}


def spells_any(names: Iterable[str], after: str = r"\s*\(") -> re.Pattern[str] | None:
    """A regex finding one of ``names`` followed by ``after`` (by default: a call of it)
    in a file's text (None: no names)."""
    alternatives = sorted(set(names))
    if not alternatives:
        return None
    return re.compile(r"\b(?:" + "|".join(map(re.escape, alternatives)) + ")" + after)
