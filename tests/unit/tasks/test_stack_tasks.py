"""tasks.py: thin Invoke verbs over ``tta-tooling stack`` and nox (Invoke's MockContext)."""

from __future__ import annotations

import importlib.util
import signal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from invoke.context import MockContext
from invoke.exceptions import Exit, UnexpectedExit
from invoke.runners import Result

TASKS_PY = Path(__file__).resolve().parents[3] / "tasks.py"


@pytest.fixture(scope="module")
def tasks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tasks", TASKS_PY)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands(context: MockContext) -> list[str]:
    return [call.args[0] for call in context.run.call_args_list]  # type: ignore[attr-defined]


def test_namespaces_are_explicit(tasks: ModuleType) -> None:
    assert sorted(tasks.namespace.task_names) == [
        "integration",
        "keploy.record",
        "keploy.replay",
        "stack.down",
        "stack.logs",
        "stack.status",
        "stack.up",
    ]


def test_stack_verbs_call_tta_tooling_stack(tasks: ModuleType) -> None:
    context = MockContext(run=Result())
    tasks.up(context, backend="native")
    tasks.status(context)
    tasks.logs(context, service="redis", lines=5)
    tasks.down(context)
    root = f"--root {tasks.ROOT}"
    assert _commands(context) == [
        f"{tasks.STACK} up {root} --backend native",
        f"{tasks.STACK} status {root}",
        f"{tasks.STACK} logs {root} --lines 5 --service redis",
        f"{tasks.STACK} down {root}",
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ("abc", "--lines: expected a whole number, got 'abc'"),
        ("0", "--lines: expected >= 1, got 0"),
        ("-5", "--lines: expected >= 1, got -5"),
        ("2.5", "--lines: expected a whole number, got '2.5'"),
    ],
)
def test_logs_refuses_a_bad_line_count_with_one_line(
    tasks: ModuleType, lines: str, message: str
) -> None:
    context = MockContext(run=Result())
    with pytest.raises(Exit) as raised:
        tasks.logs(context, lines=lines)
    assert (raised.value.code, raised.value.message) == (2, message)
    assert _commands(context) == []


def test_integration_runs_nox_under_stack_run(tasks: ModuleType) -> None:
    context = MockContext(run=Result())
    tasks.integration(context, backend="compose")
    assert _commands(context) == [
        f"{tasks.STACK} run --root {tasks.ROOT} --backend compose -- "
        f"{tasks.NOX} -s integration e2e",
    ]


@pytest.mark.parametrize("failure", ["tests fail", "interrupted"])
def test_integration_restores_sigterm_when_nox_fails_or_is_interrupted(
    tasks: ModuleType, failure: str
) -> None:
    context = MockContext(run=Result())

    def run(command: str, **kwargs: Any) -> Result:
        if failure == "interrupted":
            raise KeyboardInterrupt
        raise UnexpectedExit(Result(command=command, exited=1))

    context.run.side_effect = run  # type: ignore[attr-defined]
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises((UnexpectedExit, KeyboardInterrupt)):
        tasks.integration(context)
    assert signal.getsignal(signal.SIGTERM) is handler
