"""EFF006: an LLM call with no output-token limit."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tta_tooling.efficiency.defaults import CALL_LIMIT_PACKAGES
from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules.scan import FileScan

__all__ = ["check"]

_KEY_WRITES: frozenset[type] = frozenset({ast.Subscript, ast.Call})


def check(scan: FileScan) -> Iterator[Violation]:
    """Report LLM calls whose call, model object and wrappers set none of the pattern's
    output-token keywords. ``**settings`` may set it (not reported) unless ``settings``
    is a dict built in the same function without one."""
    module = scan.module
    for llm in scan.llm_calls:
        receiver = llm.receiver
        if (
            receiver is not None
            and receiver.annotated
            and not receiver.calls
            and llm.pattern.target.partition(".")[0] not in CALL_LIMIT_PACKAGES
        ):
            continue  # a model object configured where it is made, not visible here
        if _limits(module, llm.node, llm.pattern.limits) or (
            receiver is not None
            and any(_limits(module, site, llm.pattern.limits) for site in receiver.calls)
        ):
            continue
        expected = " or ".join(sorted(llm.pattern.limits))
        yield scan.violation("EFF006", llm.node, f"set {expected}")


def _limits(module: SourceModule, call: ast.Call, limits: frozenset[str]) -> bool:
    if not limits.isdisjoint([keyword.arg for keyword in call.keywords]):
        return True  # named on the call (the common case: no keyword need be looked into)
    for keyword in call.keywords:
        if keyword.arg in limits:
            return True
        if keyword.arg is None:
            if not _local_dict_without(module, keyword.value, call, limits):
                return True
            continue
        if _sets_limit(keyword.value, limits):
            return True
    return False


def _sets_limit(value: ast.expr, limits: frozenset[str]) -> bool:
    """A settings dict or config object passed as a keyword names the limit
    (``model_kwargs={"max_tokens": 64}``,
    ``config=GenerateContentConfig(max_output_tokens=64)``)."""
    if isinstance(value, ast.Dict):
        return any(
            key is None or (isinstance(key, ast.Constant) and key.value in limits)
            for key in value.keys
        )
    if isinstance(value, ast.Call):
        return any(k.arg is None or k.arg in limits for k in value.keywords)
    return False


def _local_dict_without(
    module: SourceModule, value: ast.expr, at: ast.AST, limits: frozenset[str]
) -> bool:
    """``value`` is a name bound in its function only to dict displays that name no
    limit, and nothing there adds a key to it (``request["max_tokens"] = ...``,
    ``request.update(...)``)."""
    if not isinstance(value, ast.Name):
        return isinstance(value, ast.Dict) and not _sets_limit(value, limits)
    values, _, scope = module.name_values(value.id, at)
    if isinstance(scope, ast.Module) or not values:
        return False
    if not all(isinstance(v, ast.Dict) and not _sets_limit(v, limits) for v in values):
        return False
    for node in module.nodes_of(scope, _KEY_WRITES):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id == value.id
        ):
            return False
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == value.id
            and not _adds_only_other_keys(node, limits)
        ):
            return False  # request.update(other), request.setdefault("max_tokens", ...)
    return True


def _adds_only_other_keys(call: ast.Call, limits: frozenset[str]) -> bool:
    """``request.update(tools=...)``: keywords only, none of them a limit."""
    return (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "update"
        and not call.args
        and all(k.arg is not None and k.arg not in limits for k in call.keywords)
    )
