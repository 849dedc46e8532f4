"""EFF003: several model names in one module with no routing decision."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules.flow import exclusive
from tta_tooling.efficiency.rules.scan import FileScan

__all__ = ["MODEL_KEYWORDS", "check"]

MODEL_KEYWORDS = frozenset({"model", "model_name", "model_id"})


def check(scan: FileScan) -> Iterator[Violation]:
    """Report the first use of a second model name when nothing in the module routes."""
    module = scan.module
    models: dict[str, ast.expr] = {}
    for llm in scan.llm_calls:
        sites = [llm.node, *(llm.receiver.calls if llm.receiver else ())]
        for site in sites:
            for keyword in site.keywords:
                if keyword.arg not in MODEL_KEYWORDS:
                    continue
                value = module.constant(keyword.value, site)
                if value is not None and isinstance(value.value, str):
                    models.setdefault(value.value, keyword.value)
    if len(models) < 2 or next(module.matching(scan.config.routers), None) is not None:
        return
    places = sorted(models.values(), key=lambda node: (node.lineno, node.col_offset))
    if all(exclusive(module, a, b) for n, a in enumerate(places) for b in places[n + 1 :]):
        return  # each model in its own branch of one ``if``: the branch is the decision
    second = places[1]
    names = ", ".join(sorted(models))
    yield scan.violation("EFF003", second, f"models: {names}")
