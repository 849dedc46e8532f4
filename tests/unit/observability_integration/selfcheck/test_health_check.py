"""The health check CLI: passes on the real primitives, fails naming each planted defect."""

from __future__ import annotations

import asyncio
import contextvars
import socket
import subprocess
import sys
from collections.abc import Coroutine
from typing import Any

import pytest
import tta_dev_primitives
from observability_integration import apm_setup
from observability_integration.selfcheck import health_check
from observability_integration.selfcheck.sample_workflow import discover_primitive_types
from tta_dev_primitives import LambdaPrimitive, WorkflowContext, WorkflowPrimitive

# The checks, not the latency: a machine starved of CPU must not turn a 5 s wait red.
PATIENT = ["--timeout", "60"]


def test_passes_and_reports_every_area(capsys: pytest.CaptureFixture[str]) -> None:
    assert health_check.main(PATIENT) == 0
    out = capsys.readouterr().out
    assert "PASS" in out
    assert "metrics   12/12 families" in out
    assert "traces    8/8 checks" in out
    covered = len(discover_primitive_types())
    assert f"coverage  {covered}/{covered} primitives instrumented" in out
    assert not apm_setup.is_observability_enabled()


def test_otel_choices_in_the_environment_do_not_change_what_is_checked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    monkeypatch.setenv("OTEL_METRICS_EXPORTER", "none")
    assert health_check.main(PATIENT) == 0
    assert "PASS" in capsys.readouterr().out


def test_defect_d_process_wide_provider_not_ours_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        health_check,
        "process_wide_problem",
        lambda: "opentelemetry.trace.get_tracer_provider() is ProxyTracerProvider, not ours",
    )
    assert health_check.main(PATIENT) == 1
    assert (
        "FAIL process-wide: opentelemetry.trace.get_tracer_provider() is ProxyTracerProvider"
        in capsys.readouterr().out
    )


class UninstrumentedPrimitive(LambdaPrimitive[Any, Any]):
    """Overrides ``execute`` and so bypasses the instrumentation hook."""

    def execute(self, input_data: Any, context: WorkflowContext) -> Coroutine[Any, Any, Any]:
        return self._execute(input_data, context)


class NeedsArgumentsPrimitive(WorkflowPrimitive[Any, Any]):
    """A direct subclass the health check cannot build on its own."""

    def __init__(self, model: str, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.model = model

    async def _execute(self, input_data: Any, context: WorkflowContext) -> Any:
        return input_data


def _export(monkeypatch: pytest.MonkeyPatch, cls: type) -> None:
    monkeypatch.setattr(tta_dev_primitives, cls.__name__, cls, raising=False)
    monkeypatch.setattr(tta_dev_primitives, "__all__", [*tta_dev_primitives.__all__, cls.__name__])


def test_defect_a_uninstrumented_primitive_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _export(monkeypatch, UninstrumentedPrimitive)
    assert health_check.main(PATIENT) == 1
    out = capsys.readouterr().out
    assert "FAIL coverage: UninstrumentedPrimitive: no span observed" in out
    assert "primitives instrumented" in out
    assert "Traceback" not in out


def test_a_primitive_the_check_cannot_build_fails_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _export(monkeypatch, NeedsArgumentsPrimitive)
    assert health_check.main(PATIENT) == 1
    out = capsys.readouterr().out
    assert "FAIL coverage: NeedsArgumentsPrimitive: cannot build one to run" in out
    assert out.count("NeedsArgumentsPrimitive: ") == 1


def test_defect_b_metrics_not_served_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_initialize = apm_setup.initialize_observability

    def without_prometheus(**kwargs: Any) -> bool:
        return real_initialize(**{**kwargs, "enable_prometheus": False})

    monkeypatch.setattr(health_check, "initialize_observability", without_prometheus)
    assert health_check.main(PATIENT) == 1
    assert "FAIL metrics: /metrics is not served" in capsys.readouterr().out


def test_defect_b_metrics_server_gone_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_initialize = apm_setup.initialize_observability

    def then_stop_the_server(**kwargs: Any) -> bool:
        ok = real_initialize(**kwargs)
        state = apm_setup._state
        assert state is not None
        assert state.server is not None
        state.server.stop()
        return ok

    monkeypatch.setattr(health_check, "initialize_observability", then_stop_the_server)
    assert health_check.main(["--timeout", "2"]) == 1
    out = capsys.readouterr().out
    assert "FAIL metrics: /metrics not served: GET http://127.0.0.1:" in out


def test_defect_c_parallel_branch_losing_its_parent_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_create_task = asyncio.BaseEventLoop.create_task

    def create_task(self: asyncio.BaseEventLoop, coro: Any, **kwargs: Any) -> Any:
        frame = getattr(coro, "cr_frame", None)
        primitive = frame.f_locals.get("self") if frame is not None else None
        if str(getattr(primitive, "name", "")).startswith("branch-"):
            kwargs["context"] = contextvars.Context()  # the branch starts with no span
        return real_create_task(self, coro, **kwargs)

    monkeypatch.setattr(asyncio.BaseEventLoop, "create_task", create_task)
    assert health_check.main(PATIENT) == 1
    out = capsys.readouterr().out
    for branch in ("branch-a", "branch-b", "branch-c"):
        assert f"FAIL traces: parallel branch '{branch}' lost its parent span" in out
    assert "expected 'fanout', got no parent (it started a new trace)" in out
    assert "left the workflow's trace" in out


def test_port_in_use_fails_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert health_check.main([*PATIENT, "--port", str(port)]) == 1
    assert f"FAIL init: initialize_observability() failed for 127.0.0.1:{port}" in (
        capsys.readouterr().out
    )


def test_already_initialised_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert apm_setup.initialize_observability(enable_prometheus=False)
    assert health_check.main(PATIENT) == 1
    assert "already initialised" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["--port", "70000"], ["--port", "x"], ["--timeout", "0"], ["--bogus"]]
)
def test_bad_usage_exits_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert health_check.main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("python -m observability_integration.selfcheck: ")


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert health_check.main(["--help"]) == 0
    assert "python -m observability_integration.selfcheck" in capsys.readouterr().out


_PLANT_UNINSTRUMENTED = """
import tta_dev_primitives as p
class Shortcut(p.LambdaPrimitive):
    def execute(self, input_data, context):
        return self._execute(input_data, context)
p.Shortcut = Shortcut
p.__all__ = [*p.__all__, "Shortcut"]
from observability_integration.selfcheck.health_check import main
raise SystemExit(main())
"""


@pytest.mark.smoke
def test_cli_module_runs_in_a_subprocess() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "observability_integration.selfcheck"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith("PASS")


@pytest.mark.smoke
def test_cli_subprocess_with_planted_uninstrumented_primitive_exits_1() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PLANT_UNINSTRUMENTED],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL coverage: Shortcut: no span observed" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
