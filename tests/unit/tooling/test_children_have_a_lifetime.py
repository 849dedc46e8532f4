"""Every child the orchestrators start is started with the lifetime helper: a
``subprocess`` call passes ``preexec_fn=dies_with_parent()``, an ``anyio.open_process``
gets its command from ``exec_dying_with_parent``. Read from the source (AST), so a
child added without the helper turns this red; a detached service names its reason."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).parents[3]
ORCHESTRATORS = [
    "packages/keploy-framework/src/keploy_framework/app_process.py",
    *(
        str(path.relative_to(REPO))
        for family in ("mcp", "perf", "stack")
        for path in sorted((REPO / "tooling/src/tta_tooling" / family).glob("*.py"))
    ),
]
STARTERS = {
    ("subprocess", name) for name in ("Popen", "run", "call", "check_call", "check_output")
} | {("anyio", "open_process"), ("asyncio", "create_subprocess_exec")}
# Started on purpose without a parent-death signal; what ends them instead.
DETACHED = {
    ("tooling/src/tta_tooling/stack/processes.py", "spawn"): (
        "a service outlives `stack up`: recorded in the state file as soon as it is "
        "spawned, stopped by `stack down` or by the next `up` once its orchestrator is gone "
        "(`stack run` asks for the signal: tied=True)"
    ),
}


def unguarded_starts(source: str) -> list[tuple[str, int]]:
    """(enclosing function, line) of each child start in ``source`` without the helper."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = (
                child.name
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
                else function
            )
            if isinstance(child, ast.Call) and _starter(child) and not _guarded(child):
                found.append((function, child.lineno))
            visit(child, inner)

    visit(ast.parse(source), "<module>")
    return found


def _starter(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and (func.value.id, func.attr) in STARTERS
    )


def _called(node: ast.expr | None, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name


def _guarded(call: ast.Call) -> bool:
    hooked = any(
        k.arg == "preexec_fn" and _called(k.value, "dies_with_parent") for k in call.keywords
    )
    wrapped = bool(call.args) and _called(call.args[0], "exec_dying_with_parent")
    return hooked or wrapped


@pytest.mark.parametrize("path", ORCHESTRATORS)
def test_every_child_is_started_with_the_lifetime_helper(path: str) -> None:
    source = (REPO / path).read_text(encoding="utf-8")
    unguarded = [
        f"{path}:{line} in {function}()"
        for function, line in unguarded_starts(source)
        if (path, function) not in DETACHED
    ]
    assert unguarded == [], "start these with child_lifetime's helper: " + ", ".join(unguarded)


def test_each_detached_exception_still_names_a_start() -> None:
    for path, function in DETACHED:
        source = (REPO / path).read_text(encoding="utf-8")
        assert function in {name for name, _ in unguarded_starts(source)}


PLANTED = """
import anyio, subprocess
from tta_process_support.child_lifetime import dies_with_parent, exec_dying_with_parent

def fine(command):
    subprocess.run(command, preexec_fn=dies_with_parent())
    return anyio.open_process(exec_dying_with_parent(command, 2))

def planted(command):
    subprocess.Popen(command, start_new_session=True)
    subprocess.run(command, preexec_fn=None)
    return anyio.open_process(command)
"""


def test_a_planted_child_without_the_helper_is_found() -> None:
    assert unguarded_starts(PLANTED) == [("planted", 10), ("planted", 11), ("planted", 12)]
