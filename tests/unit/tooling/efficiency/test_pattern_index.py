"""A call is tested only against the patterns whose chain it spells, in the list's order,
and calls spelling one chain on one name in one scope are matched once."""

from __future__ import annotations

import ast
from textwrap import dedent

from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.patterns import parse_pattern, pattern_index

PATTERNS = tuple(
    parse_pattern(text)
    for text in (
        "anthropic.Anthropic().messages.create",
        "openai.OpenAI().chat.completions.create",
        "litellm.completion",
        "*.completions.create",
        "*.chat.completions.create",
    )
)


def test_candidates_end_the_chain_spelled_in_the_lists_order() -> None:
    index = pattern_index(PATTERNS)
    chat = index.candidates("create", ("chat", "completions", "create"))
    assert [p.text for p in chat] == [
        "openai.OpenAI().chat.completions.create",
        "*.completions.create",
        "*.chat.completions.create",
    ]
    assert [p.text for p in index.candidates("create", ("messages", "create"))] == [
        "anthropic.Anthropic().messages.create"
    ]
    assert index.candidates("create", ("create",)) == []  # ``create()``: no chain ends it
    assert [p.text for p in index.candidates("completion", ())] == ["litellm.completion"]


def test_one_chain_on_one_name_in_one_scope_matches_the_same_pattern() -> None:
    source = dedent(
        """
        from openai import OpenAI
        client = OpenAI()
        other = make()

        def ask(client):
            return client.chat.completions.create(model="m", messages=[])

        client.chat.completions.create(model="m", messages=[])
        client.chat.completions.create(model="m", messages=[])
        other.chat.completions.create(model="m", messages=[])
        """
    )
    module = SourceModule("m.py", source, ast.parse(source), "m")
    found = [(call.node.lineno, call.pattern.text) for call in module.llm_calls(PATTERNS)]
    # the parameter ``client`` is another object than the module's: its own pattern
    assert found == [
        (7, "*.completions.create"),
        (9, "openai.OpenAI().chat.completions.create"),
        (10, "openai.OpenAI().chat.completions.create"),
        (11, "*.completions.create"),
    ]
