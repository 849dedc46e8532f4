"""The one-pass index of a syntax tree: parents, calls, and nodes by kind per scope."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from textwrap import dedent

import pytest
from tta_tooling.efficiency.syntax import walk_scope
from tta_tooling.efficiency.tree_index import INDEXED, TreeIndex

SOURCE = dedent(
    """
    import os
    from json import dumps as d

    def outer(items):
        total = 0
        for item in items:
            if item:
                total += len(item)
            def inner():
                hidden = [x for x in items]
                return hidden
        return {**os.environ, "k": d(total)}

    class Holder:
        global seen
        value = outer([1])[0]

    match os.name:
        case {"nt": 1, **rest}:
            pass
        case Holder(value=2):
            pass
    """
)


@pytest.fixture
def tree() -> ast.Module:
    return ast.parse(SOURCE)


def test_every_node_has_its_parent(tree: ast.Module) -> None:
    index = TreeIndex(tree)
    expected = {
        child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)
    }
    # the context and operator singletons are shared by many nodes: no parent of their own
    shared = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
    assert index.parents == {c: p for c, p in expected.items() if not isinstance(c, shared)}


def test_calls_and_imports_in_source_order(tree: ast.Module) -> None:
    index = TreeIndex(tree)
    # ``case Holder(value=2)`` is a class pattern, no call
    assert [ast.unparse(call.func) for call in index.calls] == ["len", "d", "outer"]
    assert [type(node) for node in index.imports] == [ast.Import, ast.ImportFrom]


def test_nodes_of_a_scope_leave_nested_scopes_out(tree: ast.Module) -> None:
    index = TreeIndex(tree)
    outer = tree.body[2]
    for node in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.For | ast.FunctionDef))]:
        for kinds in (frozenset({ast.Return}), frozenset({ast.Assign, ast.AugAssign, ast.Call})):
            assert index.nodes_of(node, kinds) == [
                n for n in _in_order(walk_scope(node)) if type(n) in kinds
            ]
    returns = index.nodes_of(outer, frozenset({ast.Return}))
    assert [getattr(r, "lineno", None) for r in returns] == [13]  # inner()'s return is its own


def test_nodes_of_refuses_a_kind_it_does_not_index(tree: ast.Module) -> None:
    assert ast.Attribute not in INDEXED
    with pytest.raises(ValueError, match="not indexed: \\['Attribute'\\]"):
        TreeIndex(tree).nodes_of(tree, frozenset({ast.Attribute, ast.Call}))


def test_every_finds_a_kind_in_all_scopes_in_pre_order(tree: ast.Module) -> None:
    index = TreeIndex(tree)
    kinds = (ast.Return, ast.Assign)
    expected = [n for n in _in_order(ast.walk(tree)) if type(n) in kinds]
    assert index.every(*kinds) == expected
    assert [getattr(r, "lineno", None) for r in index.every(ast.Return)] == [
        12,
        13,
    ]  # inner()'s and outer()'s
    with pytest.raises(ValueError, match="not indexed: \\['Name'\\]"):
        index.every(ast.Name)


def test_holds_a_kind_in_any_scope(tree: ast.Module) -> None:
    index = TreeIndex(tree)
    assert index.holds(frozenset({ast.ListComp}))  # only in the nested ``inner()``
    assert index.holds(frozenset({ast.While, ast.For}))
    assert not index.holds(frozenset({ast.While, ast.AsyncFor}))
    with pytest.raises(ValueError, match="not indexed: \\['Name'\\]"):
        index.holds(frozenset({ast.Name}))


def _in_order(nodes: Iterable[ast.AST]) -> list[ast.AST]:
    return sorted(nodes, key=lambda n: (getattr(n, "lineno", 0), getattr(n, "col_offset", 0)))
