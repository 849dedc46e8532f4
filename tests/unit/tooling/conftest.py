"""Fixtures: a temporary copy of the repository's CI configuration to plant defects in,
and ``tta-tooling`` run in-process as a user runs it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from tta_tooling.cli import main

REPO_ROOT = Path(__file__).resolve().parents[3]
CI_FILES = ("noxfile.py", "pyproject.toml", "docker-compose.test.yml", ".github", ".vscode")

RunTooling = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def ci_copy(tmp_path: Path) -> Path:
    """A copy of every file the ci-config gate reads."""
    for name in CI_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path


def run_in_process(
    *args: str | Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``tta-tooling <args>`` in this process: its exit code and what it printed.

    ``main`` is what the console script and ``python -m tta_tooling`` call; an
    argparse error's ``SystemExit`` is the exit code a user sees. ``env``, when
    given, replaces the environment for the call, as a child's would be.
    """
    argv = [str(arg) for arg in args]
    out, err = io.StringIO(), io.StringIO()
    with _environment(env), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    return subprocess.CompletedProcess(["tta-tooling", *argv], code, out.getvalue(), err.getvalue())


@contextmanager
def _environment(env: Mapping[str, str] | None) -> Iterator[None]:
    if env is None:
        yield
        return
    saved, saved_tempdir = dict(os.environ), tempfile.tempdir
    os.environ.clear()
    os.environ.update(env)
    tempfile.tempdir = None  # a child would read TMPDIR afresh; so does this call
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        tempfile.tempdir = saved_tempdir


@pytest.fixture
def run_tooling() -> RunTooling:
    """Run ``tta-tooling <args>`` in-process (see :func:`run_in_process`)."""
    return run_in_process
