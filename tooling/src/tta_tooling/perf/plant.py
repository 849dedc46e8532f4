"""A planted slowdown: make one function a fixed fraction slower, whatever the machine's speed.

Used to measure the gate's power and by its self-test. The planted code spins
at the start of the function for ``fraction / (1 + fraction)`` of the time since
the previous call began; in a loop of calls that settles at ``fraction`` of the
unplanted cycle, so the slowdown is relative, not a calibrated constant.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError

__all__ = ["plant_slowdown"]

_GAP_NS = 1_000_000  # a longer pause between calls is not part of a loop of calls


def _function(
    tree: ast.Module, qualname: str, path: Path
) -> ast.FunctionDef | ast.AsyncFunctionDef:
    scope: list[ast.stmt] = tree.body
    found: ast.stmt | None = None
    for part in qualname.split("."):
        found = next(
            (
                node
                for node in scope
                if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                and node.name == part
            ),
            None,
        )
        if found is None:
            raise InputError(path, f"no {qualname} defined here")
        scope = found.body
    if not isinstance(found, ast.FunctionDef | ast.AsyncFunctionDef):
        raise InputError(path, f"{qualname} is not a function")
    return found


def plant_slowdown(path: Path, qualname: str, fraction: float) -> None:
    """Rewrite ``path`` so ``qualname`` (``Class.method`` or ``func``) runs ``fraction`` slower."""
    if not 0 < fraction < 10:
        raise InputError(path, f"slowdown fraction must be in (0, 10), got {fraction}")
    source = read_input(path)
    function = _function(ast.parse(source, filename=str(path)), qualname, path)
    first = function.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and len(function.body) > 1
    ):
        first = function.body[1]  # keep the docstring first
    pad = " " * first.col_offset
    share = fraction / (1 + fraction)
    spin = [
        "_planted_now = _planted_clock()",
        "_planted_cycle = _planted_now - _PLANTED_LAST_START[0]",
        "_PLANTED_LAST_START[0] = _planted_now",
        f"if _planted_cycle < {_GAP_NS}:",
        f"    _planted_until = _planted_now + int(_planted_cycle * {share!r})",
        "    while _planted_clock() < _planted_until:",
        "        pass",
    ]
    lines = source.splitlines(keepends=True)
    index = first.lineno - 1
    lines[index:index] = [f"{pad}{line}\n" for line in spin]
    lines.append(
        f"\n\n# planted: {qualname} {fraction:.0%} slower\n"
        "from time import perf_counter_ns as _planted_clock  # noqa: E402\n\n"
        "_PLANTED_LAST_START = [0]\n"
    )
    path.write_text("".join(lines), encoding="utf-8")
