"""The gate self-test rows' tools: copy the repository, run the real nox session, read its verdict.

Every gate is proven red by a row: a test that plants one defect in a copy of
the repository and runs ``nox -s <gate>`` there, expecting exit 1 and a message
naming the cause. A row runs where its gate runs: rows of default gates in
``tests/integration/test_gates_go_red.py`` (the default ``integration``
session, so Python and pip suffice), rows of opt-in gates (``default=False``:
they need Prometheus, a git history, the network or a long time) in
``tests/selftest/test_opt_in_gates_go_red.py`` (the opt-in ``selftest-opt-in``
session, run by CI's Linux matrix and ``.ci/run``). ``ci-config`` keeps each row in its file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .repository_files import REPO_ROOT

__all__ = [
    "OBSERVABILITY",
    "PRIMITIVES",
    "TTA_API",
    "assert_red",
    "commit_copy",
    "copy_repository",
    "run_nox",
]

PRIMITIVES = Path("packages/tta-dev-primitives/src/tta_dev_primitives")
OBSERVABILITY = Path("packages/tta-observability-integration/src/observability_integration")
TTA_API = Path("packages/tta-api/src/tta_api")
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".nox", ".venv", "*_cache", "__pycache__", ".benchmarks", ".coverage*"
)


_ENVDIRS: dict[Path, Path] = {}


def copy_repository(destination: Path, envdir: Path | None = None) -> Path:
    """A copy of the repository (sources, tests, configuration, lock file) at ``destination``.

    With ``envdir``, the copy's sessions keep their virtualenvs there (``nox --envdir``)
    instead of in the copy's own ``.nox``: rows that share it (one pytest worker's rows,
    which run one at a time) reuse warm venvs, and each row's ``uv sync --locked`` only
    points the workspace packages at its own copy. Reports, coverage data and perf
    results stay in the copy's ``.nox``.
    """
    shutil.copytree(REPO_ROOT, destination, ignore=_NOT_COPIED)
    if envdir is not None:
        _ENVDIRS[destination] = envdir
    return destination


def run_nox(
    root: Path, *args: str, unset: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``nox --noxfile root/noxfile.py args`` in ``root``, output captured."""
    # Coverage's subprocess measurement must not follow into the copy's sessions.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_") and k not in unset}
    envdir = _ENVDIRS.get(root)
    shared = ("--envdir", str(envdir)) if envdir is not None else ()
    return subprocess.run(
        [sys.executable, "-m", "nox", "--noxfile", str(root / "noxfile.py"), *shared, *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def assert_red(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    """The session exited 1 and its output names every ``expected`` text."""
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    for text in expected:
        assert text in output, output


def commit_copy(root: Path) -> None:
    """Make the copy a git repository whose HEAD is the unmodified copy."""
    for args in (("init", "-q", "-b", "main"), ("add", "-A"), ("commit", "-q", "-m", "copy")):
        subprocess.run(
            ["git", "-c", "user.name=gate", "-c", "user.email=gate@example.com", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )
