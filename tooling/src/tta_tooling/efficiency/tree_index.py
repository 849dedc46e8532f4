"""The nodes of one syntax tree, indexed in a single pass.

Each node's parent, the calls and import statements in source order, and a
pre-order of the statements, blocks and the other kinds the rules look for, with
the span of every block's subtree in it and each scope's positions by kind, so
that the nodes of some kinds under a node (outside nested scopes) are a bisection
away.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from operator import attrgetter
from typing import Any, NoReturn

from tta_tooling.efficiency.syntax import BLOCKS, NESTED_TYPES, child_fields, walk_scope

__all__ = ["INDEXED", "TreeIndex"]


class TreeIndex:
    """Parents, calls, imports and typed node positions of one tree."""

    def __init__(self, tree: ast.Module) -> None:
        self.parents: dict[ast.AST, ast.AST] = {}
        # every node in pre-order; where each block's subtree starts and ends in it, with
        # the table of the scope its nodes are filed under
        self._order: list[ast.AST] = []
        self._spans: dict[int, tuple[int, int, dict[type, list[int]]]] = {}
        # per scope (module, function, lambda, class): the positions of its nodes by type
        self._kinds: dict[int, dict[type, list[int]]] = {}
        self._walk(tree)
        self.calls: list[ast.Call] = self.every(ast.Call)  # type: ignore[assignment]
        """Every call, in source order."""
        self.calls.sort(key=_START)
        self.imports: list[ast.Import | ast.ImportFrom] = self.every(ast.Import, ast.ImportFrom)  # type: ignore[assignment]
        """Every import statement, in source order."""
        self.imports.sort(key=_LINE)

    def _walk(self, tree: ast.Module) -> None:
        """Fill the index in one pass.

        A hand-written traversal: ``ast.walk`` would visit each node's fields twice.
        A node's fields are read in one C-level call (``ast.parse`` sets them all), its
        children recorded and pushed a field at a time (a list field pushed in one
        C-level call). A name or a constant alone in a field is never pushed: it has
        no children and no place in the index. Every node gets its parent; the kinds
        queries ask for (:data:`INDEXED`) also get a place in the pre-order, filed under
        their scope's table as they are visited.
        """
        parents = self.parents
        order = self._order
        spans = self._spans
        stack: list[object] = [tree]
        push, pop, push_all = stack.append, stack.pop, stack.extend
        opened: list[tuple[ast.AST, int]] = []  # the blocks being visited, where each starts
        table: dict[type, list[int]] = defaultdict(list)  # the scope being visited (none yet)
        outer_tables: list[dict[type, list[int]]] = []
        tables = self._kinds
        layouts = _LAYOUTS
        end = _END
        leaves = _SKIPPED
        while stack:
            node = pop()
            role, single, read = layouts[type(node)]
            if role is _LEAF:  # a name, a constant or ``None`` of a list field
                continue
            if role is _CLOSE:  # every node under the last opened block has been visited
                block, start = opened.pop()
                spans[id(block)] = (start, len(order), table)
                if type(block) in _SCOPES:
                    table = outer_tables.pop()
                continue
            if role is not _PLAIN:
                position = len(order)
                table[type(node)].append(position)
                if role is not _INDEXED:  # a block, or a scope
                    opened.append((node, position))  # type: ignore[arg-type]
                    push(end)
                    if role is _SCOPE:
                        outer_tables.append(table)
                        table = tables[id(node)] = defaultdict(list)
                order.append(node)  # type: ignore[arg-type]
            values = (read(node),) if single else read(node)
            # fields last to first, each list reversed: the stack pops them in source order
            for value in values:
                if type(value) is list:
                    for child in value:  # faster than a dict per list: most are short
                        parents[child] = node  # type: ignore[assignment]
                    push_all(reversed(value))
                elif value is not None:
                    parents[value] = node  # type: ignore[assignment]
                    if type(value) not in leaves:
                        push(value)
        parents.pop(None, None)  # type: ignore[call-overload]  # a dict's ``**`` entry

    def every(self, *kinds: type) -> list[ast.AST]:
        """The nodes of ``kinds`` (each in :data:`INDEXED`) in the whole tree, in pre-order."""
        if not INDEXED.issuperset(kinds):
            _refuse(frozenset(kinds))
        positions: list[int] = []
        for table in self._kinds.values():
            for kind in kinds:
                found = table.get(kind)
                if found:
                    positions += found
        positions.sort()
        return [self._order[index] for index in positions]

    def holds(self, kinds: frozenset[type]) -> bool:
        """Whether the tree holds a node of one of ``kinds`` (each in :data:`INDEXED`)
        anywhere: a rule with nothing to look for in a file stops before any query."""
        if not kinds <= INDEXED:
            _refuse(kinds)
        return any(not kinds.isdisjoint(table) for table in self._kinds.values())

    def nodes_of(self, node: ast.AST, kinds: frozenset[type]) -> list[ast.AST]:
        """The nodes of ``kinds`` (each in :data:`INDEXED`) under ``node`` outside nested
        functions, lambdas and classes, in source order: a bisection of the positions of
        each type in ``node``'s scope."""
        if not kinds <= INDEXED:
            _refuse(kinds)
        span = self._spans.get(id(node))
        if span is None:
            return [child for child in walk_scope(node) if type(child) in kinds]
        start, end, table = span
        present = kinds & table.keys()
        if not present:
            return []
        whole = self._kinds.get(id(node)) is table  # a scope: its table holds only its nodes
        found: list[int] = []
        for kind in present:
            positions = table[kind]
            if whole:
                found += positions
            else:
                found += positions[bisect_left(positions, start + 1) : bisect_left(positions, end)]
        if len(present) > 1:
            found.sort()
        order = self._order
        return [order[index] for index in found]


def _refuse(kinds: frozenset[type]) -> NoReturn:
    raise ValueError(f"not indexed: {sorted(k.__name__ for k in kinds - INDEXED)}")


def _layout(kind: type) -> tuple[str, bool, Callable[[object], Any]]:
    """What the walk does with a node of ``kind`` (its role), whether ``kind`` has one
    field that may hold nodes, and the reader of those fields, last first (a tuple of
    their values unless there is one)."""
    if kind is object:
        return _CLOSE, False, _no_fields
    if kind in _SKIPPED:
        return _LEAF, False, _no_fields
    if kind in _SCOPES:
        role = _SCOPE
    elif kind in BLOCKS:
        role = _BLOCK
    else:
        role = _INDEXED if kind in INDEXED else _PLAIN
    fields = tuple(reversed(child_fields(kind)))
    return role, len(fields) == 1, attrgetter(*fields) if fields else _no_fields


def _no_fields(node: object) -> tuple[()]:
    return ()


# A node's role in the walk: popped and dropped (a leaf, the end of a block), given a
# parent only, also filed in its scope's table, also delimited, also given its own table.
_LEAF, _CLOSE = "leaf", "close"
_PLAIN, _INDEXED, _BLOCK, _SCOPE = "plain", "indexed", "block", "scope"
INDEXED: frozenset[type] = frozenset(
    {kind for kind in vars(ast).values() if isinstance(kind, type) and issubclass(kind, ast.stmt)}
    | BLOCKS
    | {ast.Call, ast.Compare, ast.NamedExpr, ast.Subscript}
    | {ast.comprehension, ast.withitem, ast.ExceptHandler, ast.match_case}
)
"""The node kinds :meth:`TreeIndex.nodes_of` finds: statements, blocks and the
expressions and clauses the rules look for (a query for another kind is an error)."""
_SCOPES = NESTED_TYPES | {ast.Module}
"""The blocks whose nodes have their own table (a nested scope is in its parent's)."""
_START = attrgetter("lineno", "col_offset")
_LINE = attrgetter("lineno")
_END = object()
"""Pushed after a block's children: popped once they all have been visited."""
# Never pushed alone, popped and dropped from a list field: names and constants (they
# have their parent), the ``None`` key of a dict's ``**`` entry; and the end of a block.
_SKIPPED = frozenset({ast.Name, ast.Constant, type(None), object})


def _node_classes(kind: type) -> list[type]:
    found = [kind]
    subclasses: list[type] = type.__subclasses__(kind)
    for subclass in subclasses:
        found += _node_classes(subclass)
    return found


_LAYOUTS: dict[type, tuple[str, bool, Callable[[object], Any]]] = {
    kind: _layout(kind) for kind in (*_SKIPPED, *_node_classes(ast.AST))
}
"""What the walk does with each kind of node (every node class there is)."""
