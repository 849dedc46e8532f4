"""The posargs each session accepts from a workflow or a VS Code task.

A session declares them next to its definition in noxfile.py with the
``@ci_posargs(<regex>, ...)`` decorator; each posarg must match one of the
regular expressions in full. A session without the decorator accepts none.
The noxfile is read, not imported: the decorator's arguments must be literals.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tta_tooling.errors import InputError, read_input

DECORATOR = "ci_posargs"


def allowed_posargs(noxfile: Path) -> dict[str, tuple[re.Pattern[str], ...]]:
    """Session base name -> the patterns its posargs must match."""
    try:
        module = ast.parse(read_input(noxfile), filename=str(noxfile))
    except SyntaxError as error:
        raise InputError(noxfile, f"invalid Python: {error.msg}", line=error.lineno) from error
    allowed: dict[str, tuple[re.Pattern[str], ...]] = {}
    for node in module.body:
        if isinstance(node, ast.FunctionDef):
            patterns = _declared(noxfile, node)
            if patterns is not None:
                allowed[_session_name(node)] = patterns
    return allowed


def _declared(noxfile: Path, function: ast.FunctionDef) -> tuple[re.Pattern[str], ...] | None:
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and _dotted(decorator.func).endswith(DECORATOR):
            try:
                values = [ast.literal_eval(arg) for arg in decorator.args]
                if not all(isinstance(v, str) for v in values):
                    raise ValueError
                return tuple(re.compile(v) for v in values)
            except (ValueError, re.error) as error:
                raise InputError(
                    noxfile,
                    f"field @{DECORATOR} of {function.name}: arguments must be string "
                    f"literals holding regular expressions ({error or 'not a literal'})",
                    line=decorator.lineno,
                ) from error
    return None


def _session_name(function: ast.FunctionDef) -> str:
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call) and _dotted(decorator.func) in {
            "nox.session",
            "session",
        }:
            for keyword in decorator.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return function.name


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""
