"""Calls come out in source order, whatever order the names' hashes put them in."""

from __future__ import annotations

import ast

from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.patterns import parse_pattern

SOURCE = "client.first(a).second(b)\nclient.second(c).first(d)\n"


def test_calls_starting_at_one_place_come_enclosing_first() -> None:
    module = SourceModule("m.py", SOURCE, ast.parse(SOURCE), "m")
    for order in (("*.first", "*.second"), ("*.second", "*.first")):
        patterns = tuple(parse_pattern(text) for text in order)
        spelled = [ast.unparse(call) for call in module.matching(patterns)]
        assert spelled == [
            "client.first(a).second(b)",
            "client.first(a)",
            "client.second(c).first(d)",
            "client.second(c)",
        ]
