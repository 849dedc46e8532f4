"""Round four of bypasses, the misses of the third adversarial round: code that loads
itself into every gate (Python's start-up hooks, pytest plugins), GitHub matrices that
expand to fewer jobs than they look like, thresholds lowered in the configuration and
the docs together, and gate calls hidden in nested `case` / `if` / functions of
`.ci/run`. Each planted in a copy of the repository and run through ``check-gates``
in-process; then harmless look-alikes, which must stay accepted."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tta_tooling.gates import gate_floors

from ..conftest import RunTooling
from .conftest import assert_finding_at, plant
from .pinned import NOX

CI = ".github/workflows/ci.yml"
CI_RUN = ".ci/run"
README = "README.md"
KEPLOY = "tests/keploy-config.yml"
CODECOV = "codecov.yml"
PRIMITIVES = "packages/tta-dev-primitives/pyproject.toml"
API = "packages/tta-api/pyproject.toml"
PORTABLE_OS = "        os: [ubuntu-latest, macos-latest, windows-latest]\n"
LINUX_MATRIX = "      matrix:\n        session: ${{ fromJSON(needs.sessions.outputs.linux) }}\n"
PRIMITIVES_ROW = "| `tta_dev_primitives` | production |"
API_ROW = "| `tta_api` | staging |"
VERSION = NOX.split("@")[1]
README_TESTS = (
    "python3 -m pip install --upgrade --target .nox/uv uv && .nox/uv/bin/uv tool run "
    f"--system-certs nox@{VERSION} -s tests"
)
OTHERS = (
    f'.nox/uv/bin/uv tool run --system-certs nox@{VERSION} --report "$reports/gates.json" '
    "--allow-parallel -s $others selftest-opt-in faults e2e mcp-clients"
)
STARTUP = "at every interpreter start"

Edit = tuple[str, str | None, str]

# (id, edits (file, text to replace or None to create the file, new text), finding's file,
#  finding)
BYPASSES: list[tuple[str, list[Edit], str, str]] = [
    # 1. Start-up hooks and plugins
    (
        "sitecustomize-in-a-package-src",
        [("packages/tta-api/src/sitecustomize.py", None, "import os\nos.environ['CI'] = ''\n")],
        "packages/tta-api/src/sitecustomize.py",
        STARTUP,
    ),
    (
        "usercustomize-in-tooling-src",
        [("tooling/src/usercustomize.py", None, "import sys\n")],
        "tooling/src/usercustomize.py",
        STARTUP,
    ),
    (
        "sitecustomize-package",
        [("tests/helpers/sitecustomize/__init__.py", None, "import builtins\n")],
        "tests/helpers/sitecustomize/__init__.py",
        "the package `sitecustomize`",
    ),
    (
        "sitecustomize-bytecode",
        [("packages/tta-api/src/sitecustomize.pyc", None, "not really bytecode\n")],
        "packages/tta-api/src/sitecustomize.pyc",
        STARTUP,
    ),
    (
        "pth-file-shipped-in-a-package",
        [
            (
                "packages/tta-dev-primitives/src/tta_dev_primitives/zz_gates.pth",
                None,
                "import os; os.environ.setdefault('PYTEST_ADDOPTS', '--co')\n",
            )
        ],
        "packages/tta-dev-primitives/src/tta_dev_primitives/zz_gates.pth",
        "`.pth` file's `import` lines",
    ),
    (
        "conftest-at-the-root",
        [("conftest.py", None, "import os\n\nos.environ['CI'] = ''\n")],
        "conftest.py",
        "conftest.py outside tests/",
    ),
    (
        "conftest-in-a-package",
        [("packages/tta-api/conftest.py", None, '"""Fixtures."""\n')],
        "packages/tta-api/conftest.py",
        "conftest.py outside tests/",
    ),
    (
        "pytest-plugins-in-a-test-module",
        [
            (
                "tests/unit/tta_api/test_planted.py",
                None,
                '"""Tests."""\n\npytest_plugins = ["tests.lenient"]\n\n\n'
                "def test_one() -> None:\n    assert True\n",
            )
        ],
        "tests/unit/tta_api/test_planted.py",
        "`pytest_plugins` in a test module",
    ),
    (
        "pytest-plugins-annotated",
        [
            (
                "tests/unit/test_planted.py",
                None,
                "pytest_plugins: list[str] = []\npytest_plugins += ['tests.lenient']\n",
            )
        ],
        "tests/unit/test_planted.py",
        "`pytest_plugins` in a test module",
    ),
    (
        "pytest11-entry-point",
        [
            (
                API,
                "[tool.tta]",
                '[project.entry-points.pytest11]\nlenient = "tta_api.lenient"\n\n[tool.tta]',
            )
        ],
        API,
        "registers a `pytest11` entry point",
    ),
    # 2. Matrices that expand to fewer jobs
    (
        "max-parallel-zero",
        [(CI, LINUX_MATRIX, "      max-parallel: 0\n" + LINUX_MATRIX)],
        CI,
        "`max-parallel: 0` must be a positive number",
    ),
    (
        "max-parallel-expression",
        [(CI, LINUX_MATRIX, "      max-parallel: ${{ vars.PARALLEL }}\n" + LINUX_MATRIX)],
        CI,
        "must be a positive number",
    ),
    (
        "exclude-every-os",
        [
            (
                CI,
                PORTABLE_OS,
                PORTABLE_OS + "        exclude:\n          - os: ubuntu-latest\n"
                "          - os: macos-latest\n          - os: windows-latest\n",
            )
        ],
        CI,
        "the matrix expands to no combination",
    ),
    (
        "empty-vector",
        [(CI, PORTABLE_OS, "        os: []\n")],
        CI,
        "the matrix expands to no combination",
    ),
    (
        "include-overwrites-the-os",
        [
            (
                CI,
                PORTABLE_OS,
                "        include:\n          - os: ubuntu-latest\n          - os: macos-latest\n",
            )
        ],
        CI,
        "is run on pull requests by no workflow on Linux, Windows",
    ),
    (
        "exclude-windows-partially",
        [(CI, PORTABLE_OS, PORTABLE_OS + "        exclude:\n          - os: windows-latest\n")],
        CI,
        "is run on pull requests by no workflow on Windows",
    ),
    (
        "exclude-from-an-expression",
        [(CI, PORTABLE_OS, PORTABLE_OS + "        exclude: ${{ fromJSON(vars.SKIPPED) }}\n")],
        CI,
        "matrix `exclude` must be a literal list",
    ),
    # 3. Thresholds lowered in the configuration and the docs together
    (
        "stage-demoted-with-the-readme",
        [
            (PRIMITIVES, 'stage = "production"', 'stage = "staging"'),
            (README, PRIMITIVES_ROW, "| `tta_dev_primitives` | staging |"),
        ],
        PRIMITIVES,
        "below its floor 'production'",
    ),
    (
        "stage-demoted-with-the-readme-and-codecov",
        [
            (PRIMITIVES, 'stage = "production"', 'stage = "development"'),
            (README, PRIMITIVES_ROW, "| `tta_dev_primitives` | development |"),
            (CODECOV, "          target: 80%\n", "          target: 60%\n"),
        ],
        PRIMITIVES,
        "below its floor 'production'",
    ),
    (
        "codecov-component-lowered",
        [(CODECOV, "          target: 80%\n", "          target: 65%\n")],
        CODECOV,
        "component 'tta_dev_primitives' targets 65%",
    ),
    (
        "api-pass-rate-lowered",
        [(KEPLOY, "    pass_rate: 100\n", "    pass_rate: 90\n")],
        KEPLOY,
        "the api gate's `pass_rate` is 90",
    ),
    (
        "api-pass-rate-left-to-its-default",
        [(KEPLOY, "    pass_rate: 100\n", "")],
        KEPLOY,
        "the api gate's `pass_rate` is 95.0",
    ),
    (
        "api-endpoint-coverage-lowered",
        [(KEPLOY, "    endpoint_coverage: 100", "    endpoint_coverage: 50")],
        KEPLOY,
        "the api gate's `endpoint_coverage` is 50",
    ),
    # 4. .ci/run: gate calls in nested case / if / functions
    (
        "tests-in-a-case-in-a-case",
        [
            (
                CI_RUN,
                README_TESTS,
                'case "${CI:-}" in\n  true)\n    case "${RUNNER_OS:-}" in\n'
                f"      Windows) echo skipped ;;\n      *) {README_TESTS} ;;\n    esac\n"
                "    ;;\nesac",
            )
        ],
        CI_RUN,
        "runs the README's test command inside a `case`",
    ),
    (
        "others-in-a-case-in-a-case",
        [
            (
                CI_RUN,
                OTHERS,
                'case "${CI:-}" in\n  true)\n    case "${RUNNER_OS:-}" in\n'
                f"      Linux) {OTHERS} ;;\n    esac\n    ;;\nesac",
            )
        ],
        CI_RUN,
        "no top-level nox call after the README's test command",
    ),
    (
        "others-in-a-function-with-or-true",
        [(CI_RUN, OTHERS, f"run_others() {{\n    {OTHERS} || true\n}}\nrun_others")],
        CI_RUN,
        "can hide a failing gate: it is followed by `||`",
    ),
    (
        "function-called-with-or-echo",
        [(CI_RUN, OTHERS, f'run_others() {{\n    {OTHERS}\n}}\nrun_others || echo "ignored"')],
        CI_RUN,
        "(in the function called at line",
    ),
    (
        "function-never-called",
        [(CI_RUN, OTHERS, f"run_others() {{\n    {OTHERS}\n}}")],
        CI_RUN,
        "no top-level nox call after the README's test command",
    ),
    (
        "function-defined-in-a-dead-branch",
        [
            (
                CI_RUN,
                OTHERS,
                f'if [[ -n "${{NEVER:-}}" ]]; then\n  run_others() {{ {OTHERS}; }}\nfi\nrun_others',
            )
        ],
        CI_RUN,
        "no top-level nox call after the README's test command",
    ),
    (
        "if-false-two-deep",
        [(CI_RUN, OTHERS, f"if true; then\n  if false; then\n    {OTHERS}\n  fi\nfi")],
        CI_RUN,
        "no top-level nox call after the README's test command",
    ),
    (
        "case-in-a-function-whose-branch-never-matches",
        [
            (
                CI_RUN,
                OTHERS,
                f'gate() {{\n  case "$1" in\n    all) {OTHERS} ;;\n  esac\n}}\ngate none',
            )
        ],
        CI_RUN,
        "no top-level nox call after the README's test command",
    ),
    (
        "function-calling-a-function-with-or-true",
        [
            (
                CI_RUN,
                OTHERS,
                f"inner() {{\n  {OTHERS}\n}}\nouter() {{\n  inner || true\n}}\nouter",
            )
        ],
        CI_RUN,
        "swallows the failure of the command before `||`",
    ),
    (
        "exit-in-a-function-called-before-the-tests",
        [(CI_RUN, "tests_start=$SECONDS\n", "done_early() {\n  exit\n}\ndone_early\n")],
        CI_RUN,
        "ends the script before its tests",
    ),
]

HARMLESS: list[tuple[str, list[Edit]]] = [
    ("module-named-like-site", [("packages/tta-api/src/tta_api/site_config.py", None, "X = 1\n")]),
    ("conftest-under-tests", [("tests/unit/tta_api/conftest.py", None, '"""Fixtures."""\n')]),
    (
        "pytest-plugins-in-a-docstring",
        [
            (
                "tests/unit/test_planted.py",
                None,
                '"""No `pytest_plugins = [...]` here."""\n\n\n'
                "def test_one() -> None:\n    assert True\n",
            )
        ],
    ),
    (
        "console-script-entry-point",
        [(API, "[tool.tta]", '[project.scripts]\nserve = "tta_api.main:run"\n\n[tool.tta]')],
    ),
    ("max-parallel-four", [(CI, LINUX_MATRIX, "      max-parallel: 4\n" + LINUX_MATRIX)]),
    (
        "include-adds-a-key-to-every-job",
        [(CI, PORTABLE_OS, PORTABLE_OS + "        include:\n          - experimental: false\n")],
    ),
    (
        "exclude-a-value-no-job-has",
        [(CI, PORTABLE_OS, PORTABLE_OS + "        exclude:\n          - os: ubuntu-20.04\n")],
    ),
    (
        "stage-promoted-with-the-readme",
        [
            (API, 'stage = "staging"', 'stage = "production"'),
            (README, API_ROW, "| `tta_api` | production |"),
        ],
    ),
    ("codecov-component-raised", [(CODECOV, "          target: 80%\n", "          target: 85%\n")]),
    (
        "function-called-at-the-top-level",
        [(CI_RUN, OTHERS, f"run_others() {{\n    {OTHERS}\n}}\nrun_others")],
    ),
    (
        "case-in-a-case-that-only-echoes",
        [
            (
                CI_RUN,
                "tests_start=$SECONDS\n",
                'case "${CI:-}" in\n  true)\n    case "$(uname)" in\n'
                "      Linux) echo linux ;;\n      *) echo other ;;\n    esac\n    ;;\nesac\n"
                "tests_start=$SECONDS\n",
            )
        ],
    ),
    (
        "function-that-returns-early",
        [
            (
                CI_RUN,
                "tests_start=$SECONDS\n",
                'note() {\n  [[ -n "${CI:-}" ]] || return 0\n  echo "ci: $1"\n}\n'
                'note "starting"\ntests_start=$SECONDS\n',
            )
        ],
    ),
]


def _apply(root: Path, edits: list[Edit]) -> None:
    for file, old, new in edits:
        plant(root, file, old, new)


@pytest.mark.parametrize(
    ("edits", "where", "expected"), [pytest.param(*case[1:], id=case[0]) for case in BYPASSES]
)
def test_bypass_is_a_finding_naming_file_and_line(
    ci_copy: Path,
    run_tooling: RunTooling,
    same_catalog: None,
    edits: list[Edit],
    where: str,
    expected: str,
) -> None:
    _apply(ci_copy, edits)
    assert_finding_at(run_tooling("check-gates", "--root", ci_copy), where, expected)


@pytest.mark.parametrize("edits", [pytest.param(case[1], id=case[0]) for case in HARMLESS])
def test_harmless_look_alike_is_accepted(
    ci_copy: Path, run_tooling: RunTooling, same_catalog: None, edits: list[Edit]
) -> None:
    _apply(ci_copy, edits)
    done = run_tooling("check-gates", "--root", ci_copy)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.mark.smoke  # runs git: the merge base's floors are read from the history
@pytest.mark.parametrize(
    ("base_floor", "expected"),
    [
        pytest.param('"staging"', "", id="same-floor-at-the-base"),
        pytest.param('"production"', "below its floor 'production'", id="floor-lowered-since"),
    ],
)
def test_floor_at_the_merge_base_binds(
    ci_copy: Path, run_tooling: RunTooling, same_catalog: None, base_floor: str, expected: str
) -> None:
    """A change that lowers gate_floors.py with the configuration is still below main's floor."""
    module = ci_copy / gate_floors.MODULE
    module.parent.mkdir(parents=True)
    text = Path(gate_floors.__file__).read_text(encoding="utf-8")
    module.write_text(
        text.replace('"packages/tta-api": "staging"', f'"packages/tta-api": {base_floor}'),
        encoding="utf-8",
    )
    _git(ci_copy, "init", "-q", "-b", "main")
    _git(ci_copy, "add", "-A")
    _git(ci_copy, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "main")
    _git(ci_copy, "checkout", "-q", "-b", "change")
    module.write_text(text, encoding="utf-8")  # the change: the floor as this tree has it
    done = run_tooling("check-gates", "--root", ci_copy)
    if expected:
        assert_finding_at(done, API, expected)
    else:
        assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr
