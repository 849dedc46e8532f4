"""The ``keploy`` Invoke tasks: thin verbs over nox and the keploy_framework CLI."""

from __future__ import annotations

import importlib.util
import shlex
import sys
from pathlib import Path
from types import ModuleType
from typing import cast
from unittest.mock import Mock

import pytest
from invoke.context import MockContext
from invoke.exceptions import Exit
from invoke.runners import Result

REPO_ROOT = Path(__file__).resolve().parents[3]


def _load_tasks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tasks", REPO_ROOT / "tasks.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tasks = _load_tasks()


def _runs(c: MockContext) -> Mock:
    """MockContext records its ``run`` calls on a Mock."""
    return cast(Mock, c.run)


def _option(argv: list[str], name: str) -> str:
    values = [arg.split("=", 1)[1] for arg in argv if arg.startswith(f"--{name}=")]
    assert len(values) == 1, argv
    return values[0]


def test_the_root_namespace_offers_keploy_record_and_replay() -> None:
    assert {"keploy.record", "keploy.replay"} <= set(tasks.namespace.task_names)


def test_replay_runs_the_api_gate() -> None:
    c = MockContext(run={f"{tasks.NOX} -s api": Result()})
    tasks.replay(c)
    _runs(c).assert_called_once_with(f"{tasks.NOX} -s api")


def test_scripted_record_re_records_through_nox() -> None:
    c = MockContext(run={f"{tasks.NOX} -s api-record": Result()})
    tasks.record(c, scripted=True)
    _runs(c).assert_called_once_with(f"{tasks.NOX} -s api-record")


def test_record_runs_the_recording_proxy_in_front_of_tta_api() -> None:
    expected = tasks.record_command(
        app_port=9001, port=9000, duration=0, test_dir=tasks.TEST_DIR, config=tasks.KEPLOY_CONFIG
    )
    c = MockContext(run={expected: Result()})
    tasks.record(c, port=9000, app_port=9001)
    _runs(c).assert_called_once_with(expected)
    argv = shlex.split(expected)
    assert argv[argv.index("-m") + 1 : argv.index("-m") + 3] == ["keploy_framework.cli", "record"]
    assert _option(argv, "port") == "9000"
    assert _option(argv, "app-port") == "9001"
    assert _option(argv, "test-dir") == "tests/api"
    assert _option(argv, "config") == "tests/keploy-config.yml"
    assert not any(arg.startswith("--duration") for arg in argv)
    assert argv[0] == sys.executable  # the workspace interpreter, no uv on PATH needed
    app = shlex.split(_option(argv, "app-cmd"))
    assert app[app.index("-m") + 1] == "tta_api"
    assert _option(app, "port") == "9001"


def test_record_passes_a_duration_on() -> None:
    argv = shlex.split(
        tasks.record_command(app_port=8001, port=8000, duration=30, test_dir="t", config="c")
    )
    assert _option(argv, "duration") == "30"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"port": "8000", "app_port": "8000"}, "ports must be two different TCP ports"),
        ({"app_port": 0}, "--app-port: expected 1-65535, got 0"),
        ({"port": "0"}, "--port: expected 1-65535, got 0"),
        ({"port": "65536"}, "--port: expected 1-65535, got 65536"),
        ({"port": "eighty"}, "--port: expected a whole number, got 'eighty'"),
        ({"duration": "-1"}, "--duration: expected >= 0, got -1"),
        ({"duration": "1.5"}, "--duration: expected a whole number, got '1.5'"),
    ],
)
def test_record_refuses_unusable_ports_and_durations_with_one_line(
    options: dict[str, object], message: str
) -> None:
    c = MockContext(run=Result())
    with pytest.raises(Exit) as raised:
        tasks.record(c, **options)
    assert raised.value.code == 2
    assert raised.value.message is not None
    assert raised.value.message.startswith(message)
    assert "\n" not in raised.value.message
    _runs(c).assert_not_called()
