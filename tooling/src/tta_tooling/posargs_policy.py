"""The posargs a session accepts: one policy for workflows, VS Code tasks and the MCP server.

A session declares them next to its definition in noxfile.py with the
``@ci_posargs(<regex>, ...)`` decorator; each posarg must match one of the
regular expressions in full. A session without the decorator accepts none.
The noxfile is read, not imported: the decorator's arguments must be literals.
Whatever the patterns say, two kinds of argument are never accepted
(:func:`never_accepted`): one holding a control character (NUL cannot reach a
process at all, a newline or escape can forge a log line) and a response file
(``@file``, which pytest and argparse-based tools expand into arguments the
policy never saw). ``check-gates`` applies the policy to what workflows and
tasks pass, ``run_gate`` to what an agent passes.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.parse_once import python_tree

DECORATOR = "ci_posargs"
Patterns = tuple[re.Pattern[str], ...]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def allowed_posargs(noxfile: Path) -> dict[str, Patterns]:
    """Session base name -> the patterns its posargs must match (decorated sessions only)."""
    try:
        module = python_tree(read_input(noxfile), str(noxfile))
    except SyntaxError as error:
        raise InputError(noxfile, f"invalid Python: {error.msg}", line=error.lineno) from error
    allowed: dict[str, Patterns] = {}
    for node in module.body:
        if isinstance(node, ast.FunctionDef):
            patterns = _declared(noxfile, node)
            if patterns is not None:
                allowed[_session_name(node)] = patterns
    return allowed


def refused_posargs(args: Iterable[str], patterns: Patterns) -> list[str]:
    """The arguments that match none of ``patterns`` in full or are
    :func:`never_accepted`, in their order."""
    return [
        arg
        for arg in args
        if never_accepted(arg) or not any(pattern.fullmatch(arg) for pattern in patterns)
    ]


def never_accepted(arg: str) -> str | None:
    """Why ``arg`` is refused whatever a session's patterns allow, or None."""
    if _CONTROL.search(arg):
        return "it holds a control character (NUL, newline, escape...)"
    if arg.startswith("@"):
        return "a tool would read more arguments from that file (a response file)"
    return None


def pattern_list(patterns: Sequence[re.Pattern[str]]) -> str:
    """The patterns as a reader sees them in the noxfile, or ``none`` for an empty list."""
    return ", ".join(repr(p.pattern) for p in patterns) or "none"


def _declared(noxfile: Path, function: ast.FunctionDef) -> Patterns | None:
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
