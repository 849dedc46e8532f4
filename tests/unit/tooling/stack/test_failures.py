"""How ``stack up`` fails: a taken port (exit 2), a missing binary and a service that
never becomes healthy (exit 1), each leaving nothing running and no temp dir behind."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import psutil
import pytest

from ....common.ports import taken_port

pytestmark = pytest.mark.smoke  # starts real processes (fake redis-server executables)

StackCli = Callable[..., CompletedProcess[str]]

NEVER_HEALTHY = """
import os, pathlib, sys, time
pathlib.Path(os.environ["TMPDIR"], "fake.pid").write_text(str(os.getpid()))
for number in range(25):
    print(f"fake log line {number}", flush=True)
time.sleep(600)
"""


def _leftovers(stack_root: Path) -> list[Path]:
    return list((stack_root / ".nox" / "stack").glob("native-*"))


def test_a_taken_port_is_exit_2_naming_the_port(stack_cli: StackCli) -> None:
    with taken_port() as port:
        done = stack_cli("up", "--backend=native", "--service=redis", f"--redis-port={port}")
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: --redis-port: port {port} is already in use")


def test_an_impossible_port_is_exit_2(stack_cli: StackCli) -> None:
    done = stack_cli("up", "--backend=native", "--redis-port=70000")
    assert done.returncode == 2
    assert "a TCP port is 1-65535, got '70000'" in done.stderr


def test_native_without_binaries_is_exit_1_saying_what_to_install(
    stack_cli: StackCli, stack_root: Path
) -> None:
    done = stack_cli("up", "--backend=native")
    assert done.returncode == 1, done.stderr
    assert "redis: no system redis-server on PATH" in done.stderr
    assert "apt-get install redis-server prometheus" in done.stderr
    assert "brew install redis prometheus" in done.stderr
    assert "Docker" in done.stderr
    assert _leftovers(stack_root) == []


def test_auto_has_no_embedded_prometheus(
    stack_cli: StackCli, fake_executable: Callable[[str, str], Path]
) -> None:
    fake_executable("docker", "import sys; sys.exit(1)")  # a CLI whose engine does not answer
    done = stack_cli("up", "--service=prometheus")
    assert done.returncode == 1, done.stderr
    assert "prometheus: no prometheus binary on PATH" in done.stderr
    assert "apt-get install redis-server prometheus" in done.stderr


def test_a_never_healthy_service_is_exit_1_with_its_log_tail_and_is_stopped(
    stack_cli: StackCli,
    fake_executable: Callable[[str, str], Path],
    stack_env: dict[str, str],
    stack_root: Path,
) -> None:
    fake_executable("redis-server", NEVER_HEALTHY)
    done = stack_cli("up", "--backend=native", "--service=redis", "--timeout=1")
    assert done.returncode == 1, done.stderr
    assert "redis did not become healthy within 1s; last 20 lines of" in done.stderr
    tail = [line for line in done.stderr.splitlines() if line.startswith("fake log line")]
    assert tail == [f"fake log line {n}" for n in range(5, 25)]
    pid = int(Path(stack_env["TMPDIR"], "fake.pid").read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert _leftovers(stack_root) == []


def test_a_service_that_exits_is_exit_1_at_once(
    stack_cli: StackCli, fake_executable: Callable[[str, str], Path]
) -> None:
    fake_executable("redis-server", "print('FATAL: bad config'); raise SystemExit(1)")
    done = stack_cli("up", "--backend=native", "--service=redis", "--timeout=60")
    assert done.returncode == 1, done.stderr
    assert "redis exited before it became healthy" in done.stderr
    assert "FATAL: bad config" in done.stderr


def test_status_logs_and_down_without_a_stack(stack_cli: StackCli) -> None:
    assert stack_cli("status").returncode == 1
    assert stack_cli("logs").returncode == 1
    down = stack_cli("down")
    assert (down.returncode, down.stderr) == (0, "no stack was up\n")


def test_a_malformed_state_file_is_exit_2_naming_it(stack_cli: StackCli, tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text('{"backend": "native"}', encoding="utf-8")
    done = stack_cli("status")
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: {tmp_path / 'state.json'}: malformed stack state")


def test_compose_without_a_docker_cli_is_exit_1(stack_cli: StackCli) -> None:
    done = stack_cli("up", "--backend=compose", "--service=redis")
    assert done.returncode == 1, done.stderr
    assert "docker compose up: no docker CLI on PATH" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["up", "--timeout=nan"], "argument --timeout: must be a finite number above 0: 'nan'"),
        (["up", "--timeout=-1"], "argument --timeout: must be a finite number above 0: '-1'"),
        (["up", "--redis-port=six"], "argument --redis-port: not a whole number: 'six'"),
        (["up", "--redis-port=70000"], "argument --redis-port: a TCP port is 1-65535, got '70000'"),
        (["up", "--prometheus-port=0"], "argument --prometheus-port: a TCP port is 1-65535"),
        (["up", "--app-port=65536"], "argument --app-port: a TCP port is 1-65535, got '65536'"),
        (["logs", "--lines=0"], "argument --lines: must be a finite number above 0: '0'"),
        (["up", "--backend=compose", "--redis-port=6390"], "--redis-port: the compose backend"),
    ],
)
def test_bad_arguments_are_exit_2(stack_cli: StackCli, args: list[str], message: str) -> None:
    done = stack_cli(*args)
    assert done.returncode == 2
    assert message in done.stderr


@pytest.mark.parametrize("errno_", [errno.ENOSPC, errno.EROFS], ids=["enospc", "erofs"])
def test_a_state_file_that_cannot_be_written_stops_the_stack_exit_2(
    stack_cli: StackCli,
    fake_executable: Callable[[str, str], Path],
    monkeypatch: pytest.MonkeyPatch,
    stack_root: Path,
    tmp_path: Path,
    errno_: int,
) -> None:
    fake_executable("docker", "import sys; sys.exit(1)")  # auto falls back to embedded Redis
    real = os.replace

    def replace(src: str, dst: str | Path) -> None:
        if Path(dst).name == "state.json":
            raise OSError(errno_, os.strerror(errno_))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    done = stack_cli("up", "--service=redis")
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"error: {tmp_path / 'state.json'}: {os.strerror(errno_)}\n"
    assert [p.name for p in tmp_path.glob("*state.json*")] == []
    assert _leftovers(stack_root) == []
    for process in psutil.process_iter(["cmdline"]):
        assert str(stack_root) not in " ".join(process.info["cmdline"] or [])
