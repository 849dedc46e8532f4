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
from tta_tooling.gates import ci_config, commands
from tta_tooling.gates.nox_sessions import SessionCatalog, load_catalog

from ....common import repository_files
from ....common.repository_files import REPO_ROOT, copy_files
from ..conftest import RunTooling, run_in_process

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
    "tests/integration/test_gates_go_red.py",
    "tests/selftest/test_opt_in_gates_go_red.py",
    "tests/keploy-config.yml",  # the api gate's thresholds, held to their floors
    # each package's [tool.tta] stage, which the README's table states
    "packages/tta-dev-primitives/pyproject.toml",
    "packages/tta-observability-integration/pyproject.toml",
    "packages/tta-api/pyproject.toml",
    "packages/keploy-framework/pyproject.toml",
    "tooling/pyproject.toml",
)

LoadCatalog = Callable[[Path], SessionCatalog]


def assert_finding_at(done: subprocess.CompletedProcess[str], where: str, expected: str) -> None:
    """check-gates exited 1 and its first line naming ``expected`` is ``where:<line>: ...``."""
    assert done.returncode == 1, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if expected in line]
    assert lines, done.stdout
    location = lines[0].split(": ", 1)[0]
    assert location.startswith(f"{where}:"), lines[0]
    assert location.removeprefix(f"{where}:").isdigit(), lines[0]


@pytest.fixture(scope="session")
def gate_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the gate files for the whole session: copy it, never change it."""
    return copy_files(GATE_FILES, tmp_path_factory.mktemp("gate-files"))


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
def run_tooling(monkeypatch: pytest.MonkeyPatch, shared_catalog: LoadCatalog) -> RunTooling:
    """``tta-tooling <args>`` in-process (``run_in_process``), with the shared catalog.

    Without an ``env``, the call sees no GitHub Actions variables, as on a laptop.
    """
    monkeypatch.setattr(commands, "load_catalog", shared_catalog)
    monkeypatch.setattr(ci_config, "load_catalog", shared_catalog)

    def run(
        *args: str | Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        if env is None:
            env = {
                k: v
                for k, v in os.environ.items()
                if k not in {"GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"}
            }
        return run_in_process(*args, env=env)

    return run


def plant(root: Path, file: str, old: str | None, new: str) -> None:
    """Replace the first ``old`` in ``root / file`` by ``new``; no ``old``: write the file."""
    path = root / file
    if old is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(new, encoding="utf-8")
    else:
        repository_files.plant(path, old, new)


def place(root: Path, file: str, old: str | None, new: str) -> None:
    """``plant``, appending to a file that exists where the case creates one."""
    path = root / file
    if old is None and path.is_file():
        path.write_text(path.read_text(encoding="utf-8") + "\n" + new, encoding="utf-8")
    else:
        plant(root, file, old, new)


@pytest.fixture
def same_catalog(monkeypatch: pytest.MonkeyPatch, shared_catalog: LoadCatalog) -> None:
    """The repository's session catalog even where a case edits noxfile.py's bodies only."""
    catalog = shared_catalog(REPO_ROOT / "noxfile.py")
    monkeypatch.setattr(commands, "load_catalog", lambda _: catalog)
