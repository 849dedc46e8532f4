"""Fixtures of the gates family: a copy of every file check-gates and ci-config read (built
once per session, copied per test), and ``tta-tooling`` called in-process.

The session catalog (``nox --list --json``, two nox start-ups) is the expensive fact:
it is listed once per distinct noxfile text and shared by every test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from tta_tooling import cli
from tta_tooling.gates import ci_config, commands
from tta_tooling.gates.nox_sessions import SessionCatalog, load_catalog

from ..conftest import REPO_ROOT, RunTooling

GATE_FILES = (
    "noxfile.py",
    "pyproject.toml",
    "uv.lock",
    "README.md",
    "docker-compose.test.yml",
    "codecov.yml",
    ".ci",
    ".github",
    ".vscode",
)

LoadCatalog = Callable[[Path], SessionCatalog]


def copy_gate_files(target: Path) -> Path:
    """Copy every file the ci-config gate reads into ``target``."""
    for name in GATE_FILES:
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="session")
def gate_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the gate files for the whole session: copy it, never change it."""
    return copy_gate_files(tmp_path_factory.mktemp("gate-files"))


@pytest.fixture
def ci_copy(gate_files: Path, tmp_path: Path) -> Path:
    """A copy of every file the ci-config gate reads, to plant defects in."""
    return Path(shutil.copytree(gate_files, tmp_path / "repo"))


@pytest.fixture(scope="session")
def shared_catalog() -> LoadCatalog:
    """``load_catalog`` listing each distinct noxfile text once per session."""
    listed: dict[bytes, SessionCatalog] = {}

    def load(noxfile: Path) -> SessionCatalog:
        key = noxfile.read_bytes() if noxfile.is_file() else b""
        if key not in listed:
            listed[key] = load_catalog(noxfile)
        return listed[key]

    return load


@pytest.fixture
def run_tooling(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    shared_catalog: LoadCatalog,
) -> RunTooling:
    """``tta-tooling <args>`` in-process: exit code and captured output as a finished process.

    ``env`` replaces the environment for the call, as it would for a child process.
    """
    monkeypatch.setattr(commands, "load_catalog", shared_catalog)
    monkeypatch.setattr(ci_config, "load_catalog", shared_catalog)

    def run(
        *args: str | Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        argv = [str(a) for a in args]
        capsys.readouterr()
        with monkeypatch.context() as scoped:
            if env is not None:
                for name in set(os.environ) - set(env):
                    scoped.delenv(name)
                for name, value in env.items():
                    scoped.setenv(name, value)
            else:
                scoped.delenv("GITHUB_ACTIONS", raising=False)
                scoped.delenv("GITHUB_STEP_SUMMARY", raising=False)
            code = cli.main(argv)
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["tta-tooling", *argv], code, out, err)

    return run
