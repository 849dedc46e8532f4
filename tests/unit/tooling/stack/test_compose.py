"""The compose backend drives the docker CLI through python-on-whales.

No Docker engine is needed: a recording fake ``docker`` on PATH answers, and the
tests check the exact argument lists it received.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from ....common.repository_files import REPO_ROOT

pytestmark = pytest.mark.smoke  # starts real processes

StackCli = Callable[..., CompletedProcess[str]]
FAKE = Path(__file__).with_name("fake_docker.py")


@pytest.fixture
def docker_calls(
    fake_executable: Callable[[str, str], Path], stack_env: dict[str, str], tmp_path: Path
) -> Callable[[], list[list[str]]]:
    """Install the fake docker; returns a reader of the argument lists it was called with."""
    fake_executable("docker", FAKE.read_text(encoding="utf-8"))
    log = tmp_path / "docker-calls.jsonl"
    stack_env["FAKE_DOCKER_LOG"] = str(log)

    def read() -> list[list[str]]:
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        return [json.loads(line) for line in text.splitlines()]

    return read


def _compose(*args: str) -> list[str]:
    project = ["--file", str(REPO_ROOT / "docker-compose.test.yml"), "--project-name", "tta-stack"]
    return ["compose", *project, *args]


def test_auto_picks_compose_when_the_engine_answers(
    stack_cli: StackCli, docker_calls: Callable[[], list[list[str]]]
) -> None:
    up = stack_cli("up", f"--root={REPO_ROOT}", "--timeout=90")
    assert up.returncode == 0, up.stderr
    assert up.stdout.splitlines() == [
        "export REDIS_URL=redis://127.0.0.1:6379/0",
        "export PROMETHEUS_URL=http://127.0.0.1:9090",
    ]
    status = stack_cli("status", f"--root={REPO_ROOT}")
    assert status.returncode == 1  # the fake reports prometheus as still starting
    assert status.stdout.splitlines() == [
        "redis\tredis://127.0.0.1:6379/0\thealthy",
        "prometheus\thttp://127.0.0.1:9090\tunhealthy",
    ]
    logs = stack_cli("logs", f"--root={REPO_ROOT}", "--service=redis", "--lines=7")
    assert logs.returncode == 0
    down = stack_cli("down", f"--root={REPO_ROOT}")
    assert down.returncode == 0
    assert docker_calls() == [
        ["version", "--format", "{{.Server.Version}}"],
        _compose("up", "--detach", "--wait", "--wait-timeout", "90", "redis", "prometheus"),
        _compose("ps", "--quiet"),
        ["container", "inspect", "c0ffee01"],
        ["container", "inspect", "c0ffee02"],
        _compose("logs", "--no-color", "--tail", "7", "redis"),
        _compose("down", "--volumes"),
    ]
    assert stack_cli("status", f"--root={REPO_ROOT}").returncode == 1  # state forgotten


def test_a_failed_compose_up_shows_the_logs_and_tears_down(
    stack_cli: StackCli, docker_calls: Callable[[], list[list[str]]], stack_env: dict[str, str]
) -> None:
    stack_env["FAKE_DOCKER_UP_FAILS"] = "1"
    done = stack_cli("up", f"--root={REPO_ROOT}", "--backend=compose", "--service=redis")
    assert done.returncode == 1
    assert "docker compose up failed (1); last 20 lines" in done.stderr
    assert "redis-1  | Ready to accept connections" in done.stderr
    assert docker_calls() == [
        _compose("up", "--detach", "--wait", "--wait-timeout", "60", "redis"),
        _compose("logs", "--no-color", "--tail", "20", "redis"),
        _compose("down", "--volumes"),
    ]
