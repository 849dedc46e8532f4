"""Fixtures: a PATH of fake executables, a private temp dir, and the stack CLI run in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import run_in_process

FakeExecutable = Callable[[str, str], Path]


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    """An empty directory that the ``stack_env`` PATH consists of."""
    directory = tmp_path / "bin"
    directory.mkdir()
    return directory


@pytest.fixture
def fake_executable(fake_bin: Path) -> FakeExecutable:
    """Put an executable ``name`` running the Python ``code`` on the fake PATH."""

    def write(name: str, code: str) -> Path:
        script = fake_bin / name
        script.write_text(f"#!{sys.executable}\n{code}", encoding="utf-8")
        script.chmod(0o755)
        if os.name == "nt":
            (fake_bin / f"{name}.cmd").write_text(f'@"{sys.executable}" "{script}" %*\n')
        return script

    return write


@pytest.fixture
def stack_env(tmp_path: Path, fake_bin: Path) -> dict[str, str]:
    """The environment for the CLI: only the fake PATH, a private TMPDIR."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ)  # COVERAGE_* kept: the CLI runs count towards coverage
    env.update(PATH=str(fake_bin), TMPDIR=str(temp), TEMP=str(temp), TMP=str(temp))
    return env


@pytest.fixture
def stack_root(tmp_path: Path) -> Path:
    """The repository root the stack CLI is given: its ``.nox/stack`` holds the workdirs."""
    root = tmp_path / "repo"
    root.mkdir()
    return root


@pytest.fixture
def stack_cli(
    tmp_path: Path, stack_root: Path, stack_env: dict[str, str]
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``tta-tooling stack <args> --state <tmp>/state.json`` in-process; the root is
    ``stack_root`` unless ``args`` name one."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        state = f"--state={tmp_path / 'state.json'}"
        named = any(arg.startswith("--root") for arg in args)
        root = () if named else (f"--root={stack_root}",)
        return run_in_process("stack", *args, *root, state, env=stack_env)

    return run
