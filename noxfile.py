# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Every quality gate of the monorepo, defined once.

Run all default gates with ``uvx nox``; one gate with ``uvx nox -s <session>``;
list them with ``uvx nox -l``. GitHub Actions and VS Code call these sessions and
nothing else (``nox -s ci-config`` checks that they do).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
ON_CI = os.environ.get("CI", "").lower() in {"1", "true"}
nox.options.error_on_missing_interpreters = ON_CI

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON_VERSIONS: list[str] = nox.project.python_versions(PYPROJECT)
DEFAULT_PYTHON = PYTHON_VERSIONS[0]
COVERAGE_DIR = ROOT / ".nox" / "coverage-data"
BENCHMARK_DIR = ROOT / ".nox" / "benchmarks"


def install(session: nox.Session, *groups: str) -> None:
    """Sync the locked workspace with ``groups`` into the session's own venv."""
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--no-default-groups",
        *(f"--group={group}" for group in groups),
        f"--python={session.virtualenv.location}",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        silent=True,
    )


SessionFunction = Callable[[nox.Session], None]


def ci_posargs(*allowed: str) -> Callable[[SessionFunction], SessionFunction]:
    """Declare the posargs a workflow or VS Code task may pass: each must fully match a regex.

    `tta-tooling check-gates` reads these literal patterns from this file; a
    session without the decorator accepts no posargs from CI. The patterns are
    compiled here so that a malformed one fails `nox --list`.
    """
    for pattern in allowed:
        re.compile(pattern)
    return lambda function: function


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"])
@ci_posargs(r"--statistics", r"--show-fixes")
def lint(session: nox.Session) -> None:
    """Lint every Python file with ruff."""
    install(session, "lint")
    session.run("ruff", "check", "--output-format=concise", *(session.posargs or ["."]))


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"])
@ci_posargs()
def format(session: nox.Session) -> None:
    """Check formatting with ruff format (`nox -s format -- .` rewrites the files)."""
    install(session, "lint")
    session.run("ruff", "format", *(session.posargs or ["--check", "--diff", "."]))


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"])
def typecheck(session: nox.Session) -> None:
    """Type-check packages, tooling and tests with mypy (strict)."""
    install(session, "typecheck")
    session.run("mypy", *session.posargs)


@nox.session(python=PYTHON_VERSIONS, tags=["tests", "portable"])
@ci_posargs(r"-x", r"-q", r"-v", r"-ra")
def tests(session: nox.Session) -> None:
    """Run the unit tests on one Python under coverage (data kept per run)."""
    install(session, "test")
    COVERAGE_DIR.mkdir(parents=True, exist_ok=True)
    for stale in COVERAGE_DIR.glob(f".coverage.{session.name}.*"):
        stale.unlink()
    session.run(
        "coverage",
        "run",
        "-m",
        "pytest",
        *session.posargs,
        env={"COVERAGE_FILE": str(COVERAGE_DIR / f".coverage.{session.name}")},
    )


@nox.session(python=DEFAULT_PYTHON, tags=["tests"])
def coverage(session: nox.Session) -> None:
    """Combine the tests sessions' coverage data; each package must meet its stage threshold."""
    expected = [f"tests-{version}" for version in PYTHON_VERSIONS]
    missing = [name for name in expected if not any(COVERAGE_DIR.glob(f".coverage.{name}.*"))]
    if missing and (ON_CI or len(missing) == len(expected)):
        session.error(
            f"no coverage data from {', '.join(missing)} in {COVERAGE_DIR}: "
            "run `nox -s tests` first (plain `nox` runs it before coverage)"
        )
    install(session, "test")
    data = str(COVERAGE_DIR / ".coverage")
    env = {"COVERAGE_FILE": data}
    session.run("coverage", "combine", "--keep", "--quiet", str(COVERAGE_DIR), env=env)
    report = str(COVERAGE_DIR / "coverage.json")
    session.run("coverage", "json", "--quiet", "-o", report, env=env)
    session.run("tta-tooling", "coverage-gate", "--coverage-json", report, *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["services", "linux", "redis"])
def integration(session: nox.Session) -> None:
    """Run tests/integration against real Redis (REDIS_URL, or a redis-server it starts)."""
    install(session, "integration")
    session.run("pytest", "tests/integration", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["services", "linux"])
def observability(session: nox.Session) -> None:
    """Serve and parse /metrics; check trace propagation and that each primitive is traced."""
    install(session, "test")
    session.run("python", "-m", "observability_integration.health_check")
    session.run(
        "pytest", "tests/integration/test_observability_trace_propagation.py", *session.posargs
    )


@nox.session(python=DEFAULT_PYTHON, tags=["performance", "linux"])
def benchmarks(session: nox.Session) -> None:
    """Run pytest-benchmark suites; each asserts its ratio to a floor measured in the same run."""
    install(session, "bench")
    BENCHMARK_DIR.mkdir(parents=True, exist_ok=True)
    session.run(
        "pytest",
        "tests/performance",
        "--benchmark-only",
        f"--benchmark-json={BENCHMARK_DIR / 'benchmark-results.json'}",
        *session.posargs,
    )


@nox.session(name="ci-config", python=DEFAULT_PYTHON, tags=["quality", "linux"])
def ci_config(session: nox.Session) -> None:
    """Check workflows, VS Code tasks, compose and dependabot: schema, security, gate drift."""
    install(session, "ci-config")
    session.run("tta-tooling", "ci-config", *session.posargs)


if __name__ == "__main__":
    nox.main()
