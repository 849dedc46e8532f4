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
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = os.environ.get("CI", "").lower() in {"1", "true"}

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON_VERSIONS: list[str] = nox.project.python_versions(PYPROJECT)
DEFAULT_PYTHON = PYTHON_VERSIONS[0]
COVERAGE_DIR = ROOT / ".nox" / "coverage-data"
LATEST_BENCHMARKS = ROOT / ".github" / "benchmarks" / "latest.json"
PERF_REGRESSION_RESULT = ROOT / ".nox" / "perf" / "perf-regression.json"


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


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"])
def lint(session: nox.Session) -> None:
    """Lint every Python file with ruff."""
    install(session, "lint")
    session.run("ruff", "check", *(session.posargs or ["."]))


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"])
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


@nox.session(
    python=DEFAULT_PYTHON, requires=[f"tests-{v}" for v in PYTHON_VERSIONS], tags=["tests", "linux"]
)
def coverage(session: nox.Session) -> None:
    """Combine the tests sessions' coverage; each package must meet its stage threshold."""
    install(session, "test")
    data = str(COVERAGE_DIR / ".coverage")
    env = {"COVERAGE_FILE": data}
    session.run("coverage", "combine", "--keep", "--quiet", str(COVERAGE_DIR), env=env)
    report = str(COVERAGE_DIR / "coverage.json")
    session.run("coverage", "json", "--quiet", "-o", report, env=env)
    session.run("tta-tooling", "coverage-gate", "--coverage-json", report, *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["services", "linux"])
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
    session.run(
        "pytest", "tests/performance", f"--benchmark-json={LATEST_BENCHMARKS}", *session.posargs
    )


@nox.session(
    name="perf-regression", python=DEFAULT_PYTHON, default=False, tags=["performance", "linux"]
)
def perf_regression(session: nox.Session) -> None:
    """Benchmark the baseline commit and this tree in alternating rounds; fail on a slowdown."""
    install(session, "bench")
    session.run(
        "tta-tooling", "perf-regression", f"--output={PERF_REGRESSION_RESULT}", *session.posargs
    )


@nox.session(
    name="perf-baseline", python=DEFAULT_PYTHON, default=False, tags=["performance", "linux"]
)
def perf_baseline(session: nox.Session) -> None:
    """Measure HEAD's benchmarks and rewrite .github/benchmarks/baseline.json (trend reading)."""
    install(session, "bench")
    session.run("tta-tooling", "perf-baseline", *session.posargs)


@nox.session(name="ci-config", python=DEFAULT_PYTHON, tags=["quality", "linux"])
def ci_config(session: nox.Session) -> None:
    """Check workflows, VS Code tasks, compose and dependabot: schema, security, gate drift."""
    install(session, "ci-config")
    session.run("tta-tooling", "ci-config", *session.posargs)


if __name__ == "__main__":
    nox.main()
