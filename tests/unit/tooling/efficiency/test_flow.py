"""What a value carries whole: the sources found through containers, f-strings and
pass-through calls, in order, once per expression."""

from __future__ import annotations

import ast

from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.rules.flow import reaching, sources

SOURCE = 'prompt = [f"{a} {b[:9]}", " ".join([c, d]), cut(e), str(a + f)]\n'


def _value() -> tuple[SourceModule, ast.List]:
    tree = ast.parse(SOURCE)
    statement = tree.body[0]
    assert isinstance(statement, ast.Assign)
    assert isinstance(statement.value, ast.List)
    return SourceModule("mod.py", SOURCE, tree, "mod"), statement.value


def _names(found: list[ast.expr]) -> list[str]:
    return [ast.unparse(node) for node in found]


def test_sources_are_the_operands_carried_whole_in_source_order() -> None:
    module, value = _value()
    every_name = sources(module, value, lambda node: type(node) is ast.Name)
    # ``b[:9]`` is a slice and ``cut(e)`` any other call: neither carries its operand
    assert _names(list(every_name)) == ["a", "c", "d", "a", "f"]


def test_a_source_is_not_looked_into() -> None:
    module, value = _value()
    found = sources(module, value, lambda node: isinstance(node, ast.JoinedStr | ast.Name))
    assert _names(list(found)) == ["f'{a} {b[:9]}'", "c", "d", "a", "f"]


def test_reaching_is_the_first_source_and_asks_the_same_again() -> None:
    module, value = _value()
    first = reaching(module, value, lambda node: type(node) is ast.Name and node.id in "df")
    assert first is not None
    assert _names([first]) == ["d"]
    assert reaching(module, value, lambda node: isinstance(node, ast.Call)) is value.elts[1]
    assert reaching(module, value, lambda node: False) is None
