"""EFF006: an LLM call with no output-token limit."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules.scan import FileScan

__all__ = ["check"]


def check(scan: FileScan) -> Iterator[Violation]:
    """Report LLM calls whose call, model object and wrappers set none of the pattern's
    output-token keywords (``**kwargs`` and settings dicts may set it: not reported)."""
    for llm in scan.llm_calls:
        receiver = llm.receiver
        if receiver is not None and receiver.annotated and not receiver.calls:
            continue  # the object is configured where it is made, not visible here
        sites = [llm.node, *(receiver.calls if receiver else ())]
        if any(_limits(site, llm.pattern.limits) for site in sites):
            continue
        expected = " or ".join(sorted(llm.pattern.limits))
        yield scan.violation("EFF006", llm.node, f"set {expected}")


def _limits(call: ast.Call, limits: frozenset[str]) -> bool:
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg in limits:
            return True
        value = keyword.value
        if isinstance(value, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value in limits for k in value.keys
        ):
            return True
    return False
