"""A file's calls found by the name they spell, and a receiver traced once for every class."""

from __future__ import annotations

import ast
from textwrap import dedent
from typing import Any

import pytest
from tta_tooling.efficiency import module as module_of_sources
from tta_tooling.efficiency.instances import Receiver, instance_of, names_tested
from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.patterns import parse_pattern

SOURCE = dedent(
    """
    from litellm import completion as chat
    import anthropic

    def ask(q):
        chat(model="m", messages=[q])
        return store.get(q) or helper.ask(q)

    client = anthropic.Anthropic()
    client.messages.create(model="m", messages=[], max_tokens=9)
    ask("x")
    """
)


def _module() -> SourceModule:
    return SourceModule("m.py", SOURCE, ast.parse(SOURCE), "m")


def test_calls_by_final_name_read_through_an_aliased_import() -> None:
    module = _module()
    assert [call.lineno for call in module.calls_named(frozenset({"completion"}))] == [6]
    assert "chat" not in module.final_names
    assert {"completion", "get", "ask", "Anthropic", "create"} <= set(module.final_names)


def test_calls_by_spelled_name_come_in_source_order() -> None:
    module = _module()
    found = module.calls_spelling({"ask", "get", "chat"})
    assert [(call.lineno, ast.unparse(call.func)) for call in found] == [
        (6, "chat"),
        (7, "store.get"),
        (7, "helper.ask"),
        (11, "ask"),
    ]
    assert module.calls_spelling({"missing"}) == []


def test_one_trace_names_every_class_a_receiver_may_be_made_by(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _module()
    create = next(iter(module.calls_named(frozenset({"create"}))))
    receiver = create.func.value.value  # type: ignore[attr-defined]  # ``client``
    assert names_tested(module, receiver, create) == frozenset({"anthropic.Anthropic"})
    traced: list[str] = []

    def counted(*args: Any) -> Receiver | None:
        traced.append(ast.unparse(args[1]))
        return instance_of(*args)

    monkeypatch.setattr(module_of_sources, "instance_of", counted)
    bedrock = parse_pattern("anthropic.AnthropicBedrock().messages.create")
    anthropic = parse_pattern("anthropic.Anthropic().messages.create")
    assert module.matches(create, bedrock) is None
    assert traced == []  # no name its receiver's trace tested is an AnthropicBedrock
    assert module.matches(create, anthropic) == Receiver((receiver_call(module),))
    assert traced == ["client"]


def receiver_call(module: SourceModule) -> ast.Call:
    """The ``anthropic.Anthropic()`` call the client is made by."""
    return next(iter(module.calls_named(frozenset({"Anthropic"}))))
