"""The nodes of one syntax tree, indexed in a single pass.

Each node's parent, the calls and import statements in source order, and a
pre-order of the nodes with the span of every block's subtree in it, so that the
nodes of some types under a node (outside nested scopes) are a bisection away.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from collections.abc import Iterator

from tta_tooling.efficiency.syntax import BLOCKS, NESTED_TYPES, child_fields, walk_scope

__all__ = ["TreeIndex"]


class TreeIndex:
    """Parents, calls, imports and typed node positions of one tree."""

    def __init__(self, tree: ast.Module) -> None:
        self.parents: dict[ast.AST, ast.AST] = {}
        self.calls: list[ast.Call] = []
        """Every call, in source order."""
        self.imports: list[ast.Import | ast.ImportFrom] = []
        """Every import statement, in source order."""
        # every node in pre-order, and where each node's subtree starts and ends in it
        self._order: list[ast.AST] = []
        self._starts: dict[int, int] = {}
        self._ends: dict[int, int] = {}
        self._kinds: dict[int, dict[type, list[int]]] = {}
        self._walk(tree)

    def _walk(self, tree: ast.Module) -> None:
        """Fill the index in one pass.

        A hand-written traversal: ``ast.walk`` would visit each node's fields twice.
        Each node's children are recorded and pushed a field at a time (a list field
        in one C-level call, not an item at a time). Names and constants (nearly half
        the nodes) get their parent but no place in the pre-order: no query asks for
        them (:meth:`nodes_of`).
        """
        parents = self.parents
        calls = self.calls
        imports = self.imports
        order = self._order
        starts, ends = self._starts, self._ends
        stack: list[object] = [tree]
        push, pop, push_all = stack.append, stack.pop, stack.extend
        opened: list[ast.AST] = []
        skipped = _SKIPPED
        layouts = _LAYOUTS
        end = _END
        while stack:
            node = pop()
            kind = type(node)
            if kind in skipped:
                if node is end:  # every node under the last opened block has been visited
                    ends[id(opened.pop())] = len(order)
                continue
            if kind in BLOCKS:
                starts[id(node)] = len(order)
                opened.append(node)  # type: ignore[arg-type]
                push(end)
            order.append(node)  # type: ignore[arg-type]
            if kind is ast.Call:
                calls.append(node)  # type: ignore[arg-type]
            elif kind is ast.Import or kind is ast.ImportFrom:
                imports.append(node)  # type: ignore[arg-type]
            layout = layouts.get(kind)
            if layout is None:
                layout = layouts[kind] = _layout(kind)
            # fields last to first, each list reversed: the stack pops them in source order
            for field in layout:
                value = getattr(node, field, None)
                if type(value) is list:
                    if value:
                        parents.update(dict.fromkeys(value, node))
                        push_all(reversed(value))
                elif value is not None:
                    parents[value] = node  # type: ignore[assignment]
                    push(value)
        parents.pop(None, None)  # type: ignore[call-overload]  # a dict's ``**`` entry
        calls.sort(key=lambda call: (call.lineno, call.col_offset))
        imports.sort(key=lambda statement: statement.lineno)

    def nodes_of(self, node: ast.AST, kinds: frozenset[type]) -> list[ast.AST]:
        """The nodes of ``kinds`` under ``node`` outside nested functions, lambdas and
        classes, in source order (names and constants excepted): the walk of ``node``'s
        scope is done once, into positions by node type."""
        start = self._starts.get(id(node))
        if start is None:
            return [child for child in walk_scope(node) if type(child) in kinds]
        owner = node
        while type(owner) not in NESTED_TYPES and type(owner) is not ast.Module:
            owner = self.parents[owner]
        table = self._kinds.get(id(owner))
        if table is None:
            table = self._kinds[id(owner)] = {}
            for index in self._scope_positions(owner):
                table.setdefault(type(self._order[index]), []).append(index)
        end = self._ends[id(node)]
        found: list[int] = []
        for kind in kinds:
            positions = table.get(kind)
            if positions:
                found += positions[bisect_left(positions, start + 1) : bisect_left(positions, end)]
        if len(kinds) > 1:
            found.sort()
        order = self._order
        return [order[index] for index in found]

    def _scope_positions(self, node: ast.AST) -> Iterator[int]:
        order, ends = self._order, self._ends
        index, end = self._starts[id(node)] + 1, ends[id(node)]
        while index < end:
            yield index
            index = ends[id(order[index])] if type(order[index]) in NESTED_TYPES else index + 1


def _layout(kind: type) -> tuple[str, ...]:
    """The fields of ``kind`` that may hold nodes, last first."""
    return tuple(field for field in reversed(child_fields(kind)) if (kind, field) not in _NOT_NODES)


# Fields holding names or values, never nodes (the leaf fields aside: :func:`child_fields`).
_NOT_NODES = frozenset(
    {
        (ast.Global, "names"),
        (ast.Nonlocal, "names"),
        (ast.MatchClass, "kwd_attrs"),
        (ast.MatchMapping, "rest"),
        (ast.MatchSingleton, "value"),
        (ast.TypeIgnore, "tag"),
    }
)
_LAYOUTS: dict[type, tuple[str, ...]] = {}
_END = object()
"""Pushed after a block's children: popped once they all have been visited."""
# Popped but not indexed: names and constants (they have their parent), the ``None`` key
# of a dict's ``**`` entry, and the end of a block.
_SKIPPED = frozenset({ast.Name, ast.Constant, type(None), object})
