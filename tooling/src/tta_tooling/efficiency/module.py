"""One parsed source file: imports, scopes, bindings, and which calls match which patterns.

Pure AST: names are resolved through the file's own imports and definitions,
and an object's class through what it was bound to or annotated with in the
file. Nothing is imported or executed.
"""

from __future__ import annotations

import ast
import weakref
from collections.abc import Iterator, KeysView, Set

from tta_tooling.efficiency.call_names import CallNames
from tta_tooling.efficiency.call_sites import Definitions, LlmCall
from tta_tooling.efficiency.instances import Receiver, instance_of, names_tested
from tta_tooling.efficiency.patterns import CallPattern, pattern_index
from tta_tooling.efficiency.syntax import (
    BINDERS,
    FUNCTIONS,
    SCOPE_TYPE_SET,
    SCOPE_TYPES,
    Function,
    Scope,
    attribute_chain,
    bind_other,
    bind_parameters,
    bind_unknown,
    imported_names,
    is_attr,
    names_in,
    source_order,
)
from tta_tooling.efficiency.tree_index import TreeIndex

__all__ = ["SourceModule"]


class SourceModule:
    """A parsed file and the queries the rules make of it."""

    def __init__(self, relpath: str, source: str, tree: ast.Module, name: str) -> None:
        self.relpath = relpath
        self.source = source
        self.tree = tree
        self.name = name
        self._tree_index = TreeIndex(tree)
        self.parents = self._tree_index.parents
        self.calls = self._tree_index.calls
        package = name if relpath.endswith("__init__.py") else name.rpartition(".")[0]
        self._imports = imported_names(self._tree_index.imports, package)
        self._definitions = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        }
        self.functions: dict[str, Function] = {}
        """Module-level functions and class methods by local name (``f``, ``Class.m``)."""
        self.redefined: set[str] = set()
        """Local names defined more than once (which one runs depends on the order)."""
        for statement in tree.body:
            members: list[tuple[str, Function]] = []
            if isinstance(statement, FUNCTIONS):
                members = [(statement.name, statement)]
            elif isinstance(statement, ast.ClassDef):
                members = [
                    (f"{statement.name}.{item.name}", item)
                    for item in statement.body
                    if isinstance(item, FUNCTIONS)
                ]
            for local, function in members:
                if local in self.functions:
                    self.redefined.add(local)
                self.functions[local] = function
        self._project: weakref.ref[Definitions] | None = None
        self._bindings: dict[ast.AST, dict[str, list[ast.expr]]] = {}
        self._annotations: dict[ast.AST, dict[str, list[ast.expr]]] = {}
        self._attributes: dict[tuple[ast.AST, str], tuple[list[ast.expr], list[ast.expr]]] = {}
        self._local_callers: dict[int, list[ast.Call]] | None = None
        self._scopes: dict[ast.AST, Scope] = {}
        self._receivers: dict[tuple[int, str, str], Receiver | None] = {}
        self._tested: dict[tuple[int, str], frozenset[str]] = {}
        self._names: dict[tuple[Scope, str], tuple[list[ast.expr], list[ast.expr], Scope]] = {}
        self._names_in: dict[ast.AST, frozenset[str]] = {}
        self.carried: dict[ast.expr, list[tuple[ast.expr, int]]] = {}
        """Per expression, the operands it carries whole in visit order (kept by
        :mod:`.rules.flow`, which decides what carries what)."""
        self._call_names = CallNames(self.calls, self._imports)
        self._ascii = source.isascii()
        self._lines: list[str] | None = None

    @property
    def project(self) -> Definitions | None:
        """The scan's definitions, held weakly: a module and its project referring to each
        other would keep every syntax tree of a scan alive until a full garbage collection."""
        return self._project() if self._project is not None else None

    @project.setter
    def project(self, project: Definitions) -> None:
        self._project = weakref.ref(project)

    def nodes_of(self, node: ast.AST, kinds: frozenset[type]) -> list[ast.AST]:
        """The nodes of ``kinds`` under ``node`` outside nested scopes, in source order
        (:meth:`.TreeIndex.nodes_of`)."""
        return self._tree_index.nodes_of(node, kinds)

    def holds(self, kinds: frozenset[type]) -> bool:
        """Whether the file holds a node of ``kinds`` anywhere (:meth:`.TreeIndex.holds`)."""
        return self._tree_index.holds(kinds)

    def every(self, *kinds: type) -> list[ast.AST]:
        """The nodes of ``kinds`` (each in :data:`.INDEXED`) in the whole file."""
        return self._tree_index.every(*kinds)

    def names_in(self, node: ast.AST) -> frozenset[str]:
        """Every plain name read in ``node`` (walked once per node: the rules ask again
        for each round of a taint and for each call site)."""
        if type(node) is ast.Name:
            return frozenset((node.id,))
        found = self._names_in.get(node)
        if found is None:
            found = self._names_in[node] = names_in(node)
        return found

    # -- names -------------------------------------------------------------

    def qualify(self, expr: ast.expr) -> str | None:
        """The dotted name ``expr`` refers to through imports and module definitions."""
        if isinstance(expr, ast.Name):
            if expr.id in self._imports:
                return self._imports[expr.id]
            if expr.id in self._definitions:
                return f"{self.name}.{expr.id}"
            return None
        if isinstance(expr, ast.Attribute):
            base = self.qualify(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None

    def matches(self, call: ast.Call, pattern: CallPattern) -> Receiver | None:
        """Evidence that ``call`` matches ``pattern`` (an empty Receiver when no receiver)."""
        func = call.func
        if pattern.kind == "function":
            qualified = self.qualify(func)
            return Receiver() if qualified and pattern.matches_target(qualified) else None
        for name in reversed(pattern.chain):
            if not (isinstance(func, ast.Attribute) and func.attr == name):
                return None
            func = func.value
        if pattern.kind == "any":
            return Receiver()
        # A name or ``self`` attribute means the same object everywhere in one scope:
        # traced once per scope and class, not once per call (800 calls on one client)
        # nor per method of the class (``messages.create``, ``messages.stream``...), and
        # not at all for a class no name tested in one trace for every class matches.
        if isinstance(func, ast.Name):
            receiver: tuple[int, str] = (id(self.scope_of(call)), func.id)
        elif isinstance(func, ast.Attribute):
            if not self.is_self(func.value, call):
                return None  # ``client.chat`` is no client (``completions.create`` on it)
            receiver = (id(self.scope_of(call)), f"self.{func.attr}")
        else:
            return instance_of(self, func, pattern.matches_target, call, 0)
        key = (*receiver, pattern.target)
        if key not in self._receivers:
            if receiver not in self._tested:
                self._tested[receiver] = names_tested(self, func, call)
            self._receivers[key] = (
                instance_of(self, func, pattern.matches_target, call, 0)
                if any(pattern.matches_target(name) for name in self._tested[receiver])
                else None
            )
        return self._receivers[key]

    def final_name(self, call: ast.Call) -> str | None:
        """The name a call spells last (``f`` in ``f()`` and ``a.b.f()``), or the
        original name of a function imported under an alias."""
        func = call.func
        if isinstance(func, ast.Attribute):
            return func.attr
        if isinstance(func, ast.Name):
            return self._imports.get(func.id, func.id).rpartition(".")[2]
        return None

    @property
    def final_names(self) -> KeysView[str]:
        """The names the file's calls spell last (:meth:`final_name`)."""
        return self._call_names.by_final_name.keys()

    def calls_spelling(self, names: Set[str]) -> list[ast.Call]:
        """The calls of a plain name or an attribute in ``names`` (``f()``, ``x.f()``),
        in source order."""
        return self._call_names.spelling(names)

    def calls_named(self, names: frozenset[str]) -> Iterator[ast.Call]:
        """The calls spelling one of ``names`` last (:meth:`final_name`), name by name."""
        return self._call_names.named(names)

    def _candidates(
        self, patterns: tuple[CallPattern, ...]
    ) -> list[tuple[ast.Call, tuple[str, ...], list[CallPattern]]]:
        """The calls spelling the final name and attribute chain of one of ``patterns``, in
        source order, with that chain and those patterns (read from the file's index and
        the patterns' index, not by testing every call against every pattern)."""
        index = pattern_index(patterns)
        found: list[tuple[ast.Call, tuple[str, ...], list[CallPattern]]] = []
        names = 0
        by_final_name = self._call_names.by_final_name
        for name in index.final_names & by_final_name.keys():
            names += 1
            for call in by_final_name[name]:
                spelled = attribute_chain(call.func)
                candidates = index.candidates(name, spelled)
                if candidates:
                    found.append((call, spelled, candidates))
        if names > 1:  # each name's calls are in source order already
            found.sort(key=lambda item: source_order(item[0]))
        return found

    def matching(self, patterns: tuple[CallPattern, ...]) -> Iterator[ast.Call]:
        """Every call in the file matching one of ``patterns``."""
        for call, _, candidates in self._candidates(patterns):
            if any(self.matches(call, p) is not None for p in candidates):
                yield call

    def llm_calls(self, patterns: tuple[CallPattern, ...]) -> list[LlmCall]:
        """The LLM call sites of the file; the first matching pattern wins (decided once
        for the calls spelling one chain on one name in one scope: the same receiver)."""
        found: list[LlmCall] = []
        decided: dict[object, tuple[CallPattern, Receiver] | None] = {}
        for call, spelled, candidates in self._candidates(patterns):
            base = call.func
            while type(base) is ast.Attribute:
                base = base.value
            key = (id(self.scope_of(call)), base.id, spelled) if type(base) is ast.Name else call
            if key not in decided:
                decided[key] = self._first_match(call, spelled, candidates)
            match = decided[key]
            if match is not None:
                found.append(LlmCall(call, *match))
        return found

    def _first_match(
        self, call: ast.Call, spelled: tuple[str, ...], candidates: list[CallPattern]
    ) -> tuple[CallPattern, Receiver] | None:
        """The first of ``candidates`` (each ending ``spelled``) ``call`` matches, and why."""
        foreign: dict[int, bool] = {}  # per chain length: the receiver left is no client
        for pattern in candidates:
            chain = pattern.chain
            if pattern.kind == "instance" and len(spelled) > len(chain):
                if len(chain) not in foreign:
                    foreign[len(chain)] = self._foreign_receiver(call, len(chain))
                if foreign[len(chain)]:
                    continue  # what :meth:`matches` refuses, asked once for every class
            receiver = self.matches(call, pattern)
            if receiver is not None:
                return pattern, receiver
        return None

    def _foreign_receiver(self, call: ast.Call, depth: int) -> bool:
        """The object ``depth`` attributes left of the called name is an attribute of
        anything but ``self`` (``client.chat`` before ``completions.create``)."""
        func = call.func
        for _ in range(depth):
            func = func.value  # type: ignore[attr-defined]  # the chain is spelled
        return isinstance(func, ast.Attribute) and not self.is_self(func.value, call)

    def local_name(self, function: Function) -> str:
        """``f`` or ``Class.m``: the key of ``function`` in :attr:`functions`."""
        parent = self.parents.get(function)
        return (
            f"{parent.name}.{function.name}" if isinstance(parent, ast.ClassDef) else function.name
        )

    def resolve_function(self, func: ast.expr, at: ast.AST) -> tuple[SourceModule, Function] | None:
        """The function or method a call of ``func`` (seen at ``at``) runs, when it is
        defined in a scanned module: ``f``, ``module.f``, ``self.m``, ``obj.m`` with
        ``obj`` bound to ``Class(...)``."""
        if isinstance(func, ast.Name) and func.id in self.functions:
            _, _, scope = self.name_values(func.id, at)
            if isinstance(scope, ast.Module) and func.id not in self.redefined:
                return self, self.functions[func.id]
            return None
        if isinstance(func, ast.Attribute):
            if self.is_self(func.value, at):
                cls = self.parents[self.scope_of(at)]
                assert isinstance(cls, ast.ClassDef)
                local = f"{cls.name}.{func.attr}"
                method = self.functions.get(local)
                return (self, method) if method and local not in self.redefined else None
            if isinstance(func.value, ast.Name):
                values, _, _ = self.name_values(func.value.id, at)
                for value in values:
                    if isinstance(value, ast.Call):
                        found = self._lookup(self.qualify(value.func), func.attr)
                        if found is not None:
                            return found
        return self._lookup(self.qualify(func))

    def _lookup(
        self, qualified: str | None, method: str = ""
    ) -> tuple[SourceModule, Function] | None:
        if qualified is None:
            return None
        if method:
            qualified = f"{qualified}.{method}"
        if (
            qualified.startswith(f"{self.name}.")
            and qualified[len(self.name) + 1 :] in self.functions
        ):
            return self, self.functions[qualified[len(self.name) + 1 :]]
        return self.project.function(qualified) if self.project is not None else None

    # -- scopes and bindings ----------------------------------------------

    def scope_of(self, node: ast.AST) -> Scope:
        """The innermost function, lambda or module containing ``node``."""
        found = self._scopes.get(node)
        if found is None:
            parent = self.parents.get(node)
            while parent is not None and type(parent) not in SCOPE_TYPE_SET:
                parent = self.parents.get(parent)
            found = parent if isinstance(parent, SCOPE_TYPES) else self.tree
            self._scopes[node] = found
        return found

    def ancestors(self, node: ast.AST) -> Iterator[tuple[ast.AST, ast.AST]]:
        """``(child, parent)`` pairs from ``node`` up to its scope (exclusive)."""
        child, parent = node, self.parents.get(node)
        while parent is not None and not isinstance(parent, SCOPE_TYPES):
            yield child, parent
            child, parent = parent, self.parents.get(parent)

    def scopes_up(self, node: ast.AST) -> Iterator[Scope]:
        """The scopes containing ``node``, innermost first, ending with the module."""
        scope = self.scope_of(node)
        while True:
            yield scope
            if isinstance(scope, ast.Module):
                return
            scope = self.scope_of(scope)

    def bindings(self, scope: ast.AST) -> dict[str, list[ast.expr]]:
        """Values assigned to each plain name directly in ``scope``."""
        if scope not in self._bindings:
            self._index_scope(scope)
        return self._bindings[scope]

    def annotations(self, scope: ast.AST) -> dict[str, list[ast.expr]]:
        """Annotations of each plain name (and parameter) of ``scope``."""
        if scope not in self._annotations:
            self._index_scope(scope)
        return self._annotations[scope]

    def _index_scope(self, scope: ast.AST) -> None:
        # A name bound with no visible value (parameter, loop target...) maps to [].
        values: dict[str, list[ast.expr]] = {}
        notes: dict[str, list[ast.expr]] = {}
        if isinstance(scope, _PARAMETERISED):
            bind_parameters(scope.args, values, notes)
        for node in self.nodes_of(scope, BINDERS):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        values.setdefault(target.id, []).append(node.value)
                    else:
                        bind_unknown(target, values)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                notes.setdefault(node.target.id, []).append(node.annotation)
                values.setdefault(node.target.id, [])
                if node.value is not None:
                    values[node.target.id].append(node.value)
            elif isinstance(node, ast.NamedExpr):
                values.setdefault(node.target.id, []).append(node.value)
            else:
                bind_other(node, values)
        self._bindings[scope] = values
        self._annotations[scope] = notes

    def imported_values(self, name: str) -> tuple[SourceModule, list[ast.expr], list[ast.expr]]:
        """Values and annotations of a name this file imports from a scanned module's top
        level (``from .config import client``), with that module; empty when none."""
        qualified = self._imports.get(name)
        found = self.project.imported(qualified) if qualified and self.project else None
        if found is None or found[0] is self:
            return self, [], []
        owner, local = found
        return (
            owner,
            owner.bindings(owner.tree).get(local, []),
            owner.annotations(owner.tree).get(local, []),
        )

    def name_values(self, name: str, at: ast.AST) -> tuple[list[ast.expr], list[ast.expr], Scope]:
        """Values, annotations and scope of ``name`` in the nearest scope (from ``at``)
        binding it; the module when nothing binds it (answered once per scope and name)."""
        key = (self.scope_of(at), name)
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = self._look_up(name, at)
        return found

    def _look_up(self, name: str, at: ast.AST) -> tuple[list[ast.expr], list[ast.expr], Scope]:
        scope: Scope = self.tree
        for scope in self.scopes_up(at):
            values = self.bindings(scope)
            notes = self.annotations(scope)
            if name in values or name in notes:
                return values.get(name, []), notes.get(name, []), scope
        return [], [], scope

    def constant(self, expr: ast.expr, at: ast.AST) -> ast.Constant | None:
        """``expr`` when it is a constant, or the constant a name bound once at module
        level (and nowhere nearer) holds; otherwise None."""
        if isinstance(expr, ast.Name):
            values, _, scope = self.name_values(expr.id, at)
            if not isinstance(scope, ast.Module) or len(values) != 1:
                return None
            expr = values[0]
        return expr if isinstance(expr, ast.Constant) else None

    # -- objects -------------------------------------------------------------

    def local_callers(self, function: Function) -> list[ast.Call]:
        """The calls in this file of ``function``, a module-level function or method here."""
        if self._local_callers is None:
            self._local_callers = {}
            names = {local.rpartition(".")[2] for local in self.functions}
            for call in self.calls:
                spelled = call.func.attr if isinstance(call.func, ast.Attribute) else None
                if isinstance(call.func, ast.Name):
                    spelled = call.func.id
                if spelled in names:
                    found = self.resolve_function(call.func, call)
                    if found is not None and found[0] is self:
                        self._local_callers.setdefault(id(found[1]), []).append(call)
        return self._local_callers.get(id(function), [])

    def is_self(self, expr: ast.expr, at: ast.AST) -> bool:
        """``expr`` is the first parameter of the method holding ``at``."""
        method = self.scope_of(at)
        return (
            isinstance(expr, ast.Name)
            and isinstance(method, FUNCTIONS)
            and bool(method.args.args)
            and method.args.args[0].arg == expr.id
            and isinstance(self.parents.get(method), ast.ClassDef)
        )

    def attribute_values(self, attr: str, at: ast.AST) -> tuple[list[ast.expr], list[ast.expr]]:
        """Values and annotations of ``self.<attr>`` in the class of the method holding ``at``."""
        cls = self.parents[self.scope_of(at)]
        if (cls, attr) not in self._attributes:
            self._attributes[cls, attr] = self._index_attribute(cls, attr)
        return self._attributes[cls, attr]

    def _index_attribute(self, cls: ast.AST, attr: str) -> tuple[list[ast.expr], list[ast.expr]]:
        values: list[ast.expr] = []
        notes: list[ast.expr] = []
        for node in self.nodes_of(cls, _ANNOTATED):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.target.id == attr
            ):
                notes.append(node.annotation)
        for method in ast.iter_child_nodes(cls):
            if not isinstance(method, FUNCTIONS):
                continue
            for node in self.nodes_of(method, _ASSIGNMENTS):
                targets: list[ast.expr] = []
                if isinstance(node, ast.Assign):
                    targets = node.targets
                elif isinstance(node, ast.AnnAssign):
                    targets = [node.target]
                    if is_attr(node.target, attr):
                        notes.append(node.annotation)
                if node_value := getattr(node, "value", None):
                    values.extend(node_value for t in targets if is_attr(t, attr))
        return values, notes

    # -- positions ---------------------------------------------------------

    def column(self, node: ast.expr | ast.stmt) -> int:
        """1-based column of ``node`` in characters (the AST counts UTF-8 bytes)."""
        if self._ascii:
            return node.col_offset + 1
        if self._lines is None:
            self._lines = self.source.splitlines()
        line = self._lines[node.lineno - 1] if node.lineno <= len(self._lines) else ""
        if line.isascii():
            return node.col_offset + 1
        return len(line.encode()[: node.col_offset].decode(errors="ignore")) + 1


_ANNOTATED: frozenset[type] = frozenset({ast.AnnAssign})
# Tuples, not ``A | B``: a union written in a function is built again at each call.
_PARAMETERISED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_ASSIGNMENTS: frozenset[type] = frozenset({ast.Assign, ast.AnnAssign})
