"""``stack run``'s bad input: one line naming the option or the command, exit 2, nothing
started. In-process: each case fails before a service or the command would start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from ....common.ports import taken_port
from ..conftest import run_in_process

StackRun = Callable[..., CompletedProcess[str]]


@pytest.fixture
def stack_run(tmp_path: Path, stack_root: Path, stack_env: dict[str, str]) -> StackRun:
    """``tta-tooling stack run <args>`` in-process, its root and state in ``tmp_path``
    (given first: ``args`` may end with ``--`` and the command)."""

    def run(*args: str) -> CompletedProcess[str]:
        where = (f"--root={stack_root}", f"--state={tmp_path / 'state.json'}")
        return run_in_process("stack", "run", *where, *args, env=stack_env)

    return run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "stack run: no command to run: give it after --"),
        (["--"], "stack run: no command to run: give it after --"),
        (["--with=redis,mysql", "--", "true"], "argument --with: unknown 'mysql'"),
        (["--service=mysql", "--", "true"], "argument --service: invalid choice"),
        (["--timeout=0", "--", "true"], "argument --timeout: must be a finite number"),
        (["--app-port=0", "--", "true"], "argument --app-port: a TCP port is 1-65535"),
        (["--backend=podman", "--", "true"], "argument --backend: invalid choice"),
        (
            ["--backend=compose", "--redis-port=6390", "--", "true"],
            "--redis-port: the compose backend uses the ports of docker-compose.test.yml",
        ),
    ],
)
def test_bad_arguments_are_exit_2(stack_run: StackRun, args: list[str], message: str) -> None:
    done = stack_run(*args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_taken_app_port_is_exit_2_naming_it(stack_run: StackRun, stack_root: Path) -> None:
    with taken_port() as port:
        done = stack_run("--with=api", f"--app-port={port}", "--", "true")
    assert done.returncode == 2, done.stderr
    assert f"--app-port: port {port} is already in use" in done.stderr
    assert list((stack_root / ".nox" / "stack").glob("native-*")) == []


def test_a_command_that_cannot_run_is_exit_2_naming_it(
    stack_run: StackRun, stack_env: dict[str, str]
) -> None:
    stack_env["REDIS_URL"] = "redis://127.0.0.1:1/0"  # given: nothing to start
    done = stack_run("--service=redis", "--use-external", "--", "no-such-command-here")
    assert done.returncode == 2, done.stderr
    assert "command: cannot run 'no-such-command-here': No such file or directory" in done.stderr
    assert "redis: REDIS_URL is set; using it, not starting redis" in done.stderr


def test_another_runs_unreadable_state_is_left_alone(
    stack_run: StackRun, stack_env: dict[str, str], stack_root: Path
) -> None:
    other = stack_root / ".nox" / "stack" / "run-1.json"
    other.parent.mkdir(parents=True)
    other.write_text("{not json", encoding="utf-8")
    stack_env["REDIS_URL"] = "redis://127.0.0.1:1/0"
    done = stack_run("--service=redis", "--use-external", "--", "no-such-command-here")
    assert done.returncode == 2, done.stderr
    assert "command: cannot run 'no-such-command-here'" in done.stderr
    assert other.read_text(encoding="utf-8") == "{not json"
