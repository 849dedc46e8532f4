"""Round three of bypasses: gates weakened from inside (coverage thresholds, the noxfile's
sessions, conftest.py, mypy and ruff settings, whole-file ignores), `.ci/run` branches
(`case`, `&&` after a test, a session list reassigned) and self-test rows that prove
nothing; each planted in a copy of the repository and run through ``check-gates``
in-process. Then harmless look-alikes, which must stay accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import RunTooling
from .conftest import assert_finding_at, place
from .pinned import NOX
from .test_gate_integrity import QUALITY, STATIC, _static

PYPROJECT = "pyproject.toml"
NOXFILE = "noxfile.py"
CI_RUN = ".ci/run"
CONFTEST = "tests/conftest.py"
ROWS = "tests/integration/test_gates_go_red.py"
PRIMITIVES_TOML = "packages/tta-dev-primitives/pyproject.toml"
COVERAGE_REPORT = "[tool.coverage.report]\n"
# The tests session's `coverage run`; the coverage session's coverage-gate verb.
COVERAGE_RUN = '*(("coverage", "run", '
COVERAGE_GATE = '        "coverage-gate",\n'
TYPECHECK = '    session.run("mypy", *session.posargs)\n'
UNIT_TIER = "        *UNIT_TIER,\n"
TESTS_START = "tests_start=$SECONDS\n"
OTHERS = (
    f".nox/uv/bin/uv tool run --system-certs nox@{NOX.split('@')[1]} "
    '--report "$reports/gates.json" --allow-parallel '
    "-s $others selftest-opt-in faults e2e mcp-clients\n"
)
README_TESTS = (
    "python3 -m pip install --upgrade --target .nox/uv uv && .nox/uv/bin/uv tool run "
    f"--system-certs nox@{NOX.split('@')[1]} -s tests\n"
)
MYPY = "[tool.mypy]\n"
LINT_ROW = '    assert_red(run_nox(repo_copy, "-s", "lint"), "planted.py", "F401")\n'
LINT_PLANT = (
    '    (repo_copy / PRIMITIVES / "planted.py").write_text(\'"""Planted."""\\n\\nimport os\\n\')\n'
)


def _with_coverage(option: str) -> str:
    return f'{COVERAGE_RUN}"{option}", '


# (id, file, text to replace or None to create the file, new text, finding's file, finding)
BYPASSES = [
    # Coverage thresholds
    (
        "fail-under-zero",
        PYPROJECT,
        COVERAGE_REPORT,
        COVERAGE_REPORT + "fail_under = 0\n",
        PYPROJECT,
        "below the lowest stage's threshold",
    ),
    (
        "fail-under-low",
        PYPROJECT,
        COVERAGE_REPORT,
        COVERAGE_REPORT + "fail_under = 10.5\n",
        PYPROJECT,
        "`report.fail_under = 10.5`",
    ),
    (
        "fail-under-not-a-number",
        PYPROJECT,
        COVERAGE_REPORT,
        COVERAGE_REPORT + 'fail_under = "none"\n',
        PYPROJECT,
        "not a number",
    ),
    (
        "skip-covered",
        PYPROJECT,
        "skip_covered = false",
        "skip_covered = true",
        PYPROJECT,
        "`report.skip_covered` leaves files out",
    ),
    (
        "coverage-cli-fail-under",
        NOXFILE,
        COVERAGE_RUN,
        _with_coverage("--fail-under=0"),
        NOXFILE,
        "runs coverage with `--fail-under 0`",
    ),
    (
        "coverage-cli-omit",
        NOXFILE,
        COVERAGE_RUN,
        _with_coverage("--omit=*/tta_api/*"),
        NOXFILE,
        "narrows what is measured or reported",
    ),
    (
        "coverage-cli-include",
        NOXFILE,
        COVERAGE_RUN,
        _with_coverage("--include=tooling/*"),
        NOXFILE,
        "narrows what is measured or reported",
    ),
    (
        "coverage-cli-rcfile",
        NOXFILE,
        COVERAGE_RUN,
        _with_coverage("--rcfile=lenient.toml"),
        NOXFILE,
        "`--rcfile=lenient.toml`",
    ),
    (
        "coverage-gate-dropped",
        NOXFILE,
        COVERAGE_GATE,
        "",
        NOXFILE,
        "no longer runs `tta-tooling coverage-gate`",
    ),
    (
        "stage-lowered",
        PRIMITIVES_TOML,
        'stage = "production"',
        'stage = "development"',
        PRIMITIVES_TOML,
        "declares stage 'development' (60% coverage) but README.md states",
    ),
    # .ci/run: case, && after a test, the session list reassigned
    (
        "ci-case-branch-never-taken",
        CI_RUN,
        OTHERS,
        'case "${CI:-}" in\n    never) ' + OTHERS.strip() + " ;;\nesac\n",
        CI_RUN,
        "no top-level nox call after the README's test command",
    ),
    (
        "ci-case-around-tests",
        CI_RUN,
        README_TESTS,
        'case "${GITHUB_ACTIONS:-}" in\n    true) '
        + README_TESTS.strip()
        + " ;;\n    *) : ;;\nesac\n",
        CI_RUN,
        "runs the README's test command inside a `case`",
    ),
    (
        "ci-test-and-nox",
        CI_RUN,
        OTHERS,
        '[ -n "${FULL:-}" ] && ' + OTHERS,
        CI_RUN,
        "runs only when the test before `&&` passes",
    ),
    (
        "ci-false-and-nox",
        CI_RUN,
        OTHERS,
        "false && " + OTHERS,
        CI_RUN,
        "runs only when the test before `&&` passes",
    ),
    (
        "ci-others-reassigned",
        CI_RUN,
        OTHERS,
        "others=lint\n" + OTHERS,
        CI_RUN,
        "no top-level nox call after the README's test command",
    ),
    (
        "ci-others-unset",
        CI_RUN,
        OTHERS,
        "unset others\n" + OTHERS,
        CI_RUN,
        "no top-level nox call after the README's test command",
    ),
    (
        "step-nox-in-an-event-if",
        QUALITY,
        STATIC,
        _static(f'if [ "$GITHUB_EVENT_NAME" = push ]; then\n  {NOX} -t quality\nfi'),
        QUALITY,
        "in a script that reads the event or ref",
    ),
    (
        "step-nox-in-a-ref-if",
        QUALITY,
        STATIC,
        _static(f'if [[ "${{GITHUB_REF}}" == refs/heads/* ]]; then\n  {NOX} -t quality\nfi'),
        QUALITY,
        "in a script that reads the event or ref",
    ),
    (
        "step-nox-in-an-event-else",
        QUALITY,
        STATIC,
        _static(
            f'if [ "$GITHUB_EVENT_NAME" = pull_request ]; then\n  echo skipped\n'
            f"else\n  {NOX} -t quality\nfi"
        ),
        QUALITY,
        "in a script that reads the event or ref",
    ),
    # .ci/run's EXIT handler keeps the run's status
    (
        "ci-exit-handler-resets-status",
        CI_RUN,
        "    if ((status == 0)); then\n",
        "    status=0\n    if ((status == 0)); then\n",
        CI_RUN,
        "`status=0` in the EXIT handler replaces the run's status",
    ),
    (
        "ci-exit-handler-status-from-budget",
        CI_RUN,
        "    if ((status == 0)); then\n        status=$budget\n    fi\n",
        "    status=$budget\n",
        CI_RUN,
        "`status=$budget` in the EXIT handler replaces the run's status",
    ),
    (
        "ci-exit-handler-exits-with-budget",
        CI_RUN,
        '    exit "$status"\n',
        '    exit "$budget"\n',
        CI_RUN,
        "exits with another status than the run's",
    ),
    # Self-test rows that prove nothing
    (
        "row-runs-the-repository",
        ROWS,
        LINT_ROW,
        LINT_ROW.replace("run_nox(repo_copy,", "run_nox(REPO_ROOT,"),
        ROWS,
        "test_lint_goes_red_on_an_unused_import runs nox in REPO_ROOT",
    ),
    (
        "row-plants-in-the-repository",
        ROWS,
        LINT_PLANT,
        LINT_PLANT.replace("(repo_copy / PRIMITIVES", "(REPO_ROOT / PRIMITIVES"),
        ROWS,
        "plants in REPO_ROOT but runs nox in repo_copy",
    ),
    (
        "row-plants-in-another-copy",
        ROWS,
        "def test_lint_goes_red_on_an_unused_import(repo_copy: Path) -> None:\n" + LINT_PLANT,
        "def test_lint_goes_red_on_an_unused_import(repo_copy: Path, tmp_path: Path) -> None:\n"
        + LINT_PLANT.replace("(repo_copy / PRIMITIVES", "(tmp_path / PRIMITIVES"),
        ROWS,
        "plants in tmp_path but runs nox in repo_copy",
    ),
    (
        "row-claims-another-gate",
        ROWS,
        "def test_lint_goes_red_on_an_unused_import(",
        "def test_typecheck_goes_red_on_an_import(",
        ROWS,
        "claims the typecheck gate but never runs `-s typecheck`",
    ),
    (
        "row-asserts-nothing",
        ROWS,
        LINT_ROW,
        '    done = run_nox(repo_copy, "-s", "lint")\n    assert done.stdout is not None\n',
        ROWS,
        "never hands its `-s lint` run to assert_red",
    ),
    # noxfile.py sessions
    (
        "nox-external-binary",
        NOXFILE,
        TYPECHECK,
        '    session.run("mypy", *session.posargs)\n    session.run("true", external=True)\n',
        NOXFILE,
        "runs `true` from outside the session's venv",
    ),
    (
        "nox-typecheck-without-mypy",
        NOXFILE,
        TYPECHECK,
        '    session.log("typed")\n',
        NOXFILE,
        "the typecheck gate no longer runs `mypy`",
    ),
    (
        "nox-sys-exit-on-ci",
        NOXFILE,
        "ROOT = Path(__file__).parent\n",
        "ROOT = Path(__file__).parent\nif ON_CI:\n    sys.exit(0)\n",
        NOXFILE,
        "exits nox itself",
    ),
    (
        "nox-raise-system-exit",
        NOXFILE,
        TYPECHECK,
        TYPECHECK + "    raise SystemExit(0)\n",
        NOXFILE,
        "exits nox itself",
    ),
    (
        "nox-os-exit",
        NOXFILE,
        TYPECHECK,
        "    os._exit(0)\n" + TYPECHECK,
        NOXFILE,
        "exits nox itself",
    ),
    (
        "nox-try-except",
        NOXFILE,
        TYPECHECK,
        "    try:\n    " + TYPECHECK + "    except nox.command.CommandFailed:\n        pass\n",
        NOXFILE,
        "catches a failing command",
    ),
    (
        "nox-suppress",
        NOXFILE,
        TYPECHECK,
        "    with contextlib.suppress(Exception):\n    " + TYPECHECK,
        NOXFILE,
        "suppresses a failing command",
    ),
    (
        "nox-pytest-addopts-env",
        NOXFILE,
        "        env=_coverage_data(session),\n",
        '        env={**_coverage_data(session), "PYTEST_ADDOPTS": "-k nothing"},\n',
        NOXFILE,
        "sets PYTEST_ADDOPTS, which its tool reads as options",
    ),
    (
        "nox-session-env",
        NOXFILE,
        TYPECHECK,
        '    session.env["MYPYPATH"] = "stubs"\n' + TYPECHECK,
        NOXFILE,
        "sets MYPYPATH",
    ),
    (
        "nox-no-venv",
        NOXFILE,
        '@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"], allow_parallel=True)\n'
        "def typecheck",
        '@nox.session(python=False, tags=["quality", "portable"], allow_parallel=True)\n'
        "def typecheck",
        NOXFILE,
        "runs without its own venv",
    ),
    (
        "nox-error-becomes-warn",
        NOXFILE,
        TYPECHECK,
        "    session.error = session.warn  # type: ignore[method-assign]\n" + TYPECHECK,
        NOXFILE,
        "replaces `session.error`",
    ),
    (
        "nox-missing-python-skips",
        NOXFILE,
        "nox.options.error_on_missing_interpreters = ON_CI\n",
        "nox.options.error_on_missing_interpreters = False\n",
        NOXFILE,
        "`error_on_missing_interpreters = False`",
    ),
    (
        "nox-pytest-plugin-off",
        NOXFILE,
        UNIT_TIER,
        UNIT_TIER + '        "-p",\n        "no:warnings",\n',
        NOXFILE,
        "runs pytest with `-p=no:warnings`",
    ),
    (
        "nox-pytest-warnings-ignored",
        NOXFILE,
        UNIT_TIER,
        UNIT_TIER + '        "-W",\n        "ignore",\n',
        NOXFILE,
        "runs pytest with `-W=ignore`",
    ),
    (
        "nox-pytest-runxfail",
        NOXFILE,
        UNIT_TIER,
        UNIT_TIER + '        "--runxfail",\n',
        NOXFILE,
        "runs pytest with `--runxfail`",
    ),
    # conftest.py
    (
        "conftest-skip-on-ci",
        CONFTEST,
        None,
        "import os\n\nimport pytest\n\nif os.environ.get('CI'):\n"
        "    pytest.skip('ci', allow_module_level=True)\n",
        CONFTEST,
        "calls `pytest.skip`",
    ),
    (
        "conftest-skip-mark-constant",
        CONFTEST,
        None,
        "import pytest\n\nSKIP = pytest.mark.skip\n\n\ndef pytest_collection_modifyitems(items):\n"
        "    for item in items:\n        item.add_marker(SKIP)\n",
        CONFTEST,
        "applies `mark.skip`",
    ),
    (
        "conftest-autouse-xfail",
        CONFTEST,
        None,
        "import pytest\n\n\n@pytest.fixture(autouse=True)\ndef _known():\n    pytest.xfail('x')\n",
        CONFTEST,
        "calls `pytest.xfail`",
    ),
    (
        "conftest-warnings-off",
        CONFTEST,
        None,
        "def pytest_configure(config):\n    config.addinivalue_line('filterwarnings', 'ignore')\n",
        CONFTEST,
        "adds to the ini setting 'filterwarnings'",
    ),
    (
        "conftest-setattr-exitstatus",
        CONFTEST,
        None,
        "def pytest_sessionfinish(session):\n    setattr(session, 'exitstatus', 0)\n",
        CONFTEST,
        "sets `exitstatus` with setattr",
    ),
    (
        "conftest-plugins",
        CONFTEST,
        None,
        "pytest_plugins = ['tests.lenient']\n",
        CONFTEST,
        "`pytest_plugins` loads code",
    ),
    (
        "conftest-hook-wrapper",
        CONFTEST,
        None,
        "import pytest\n\n\n@pytest.hookimpl(wrapper=True)\ndef pytest_runtest_teardown(item):\n"
        "    return (yield)\n",
        CONFTEST,
        "wraps a pytest hook",
    ),
    (
        "conftest-builtins",
        CONFTEST,
        None,
        "import builtins\n\nbuiltins.AssertionError = Warning\n",
        CONFTEST,
        "sets `builtins.AssertionError`",
    ),
    (
        "nested-pytest-ini",
        "tests/unit/pytest.ini",
        None,
        "[pytest]\naddopts = -k nothing\n",
        "tests/unit/pytest.ini",
        "configures pytest for the tests under it",
    ),
    (
        "nested-pyproject-pytest",
        "tests/unit/pyproject.toml",
        None,
        "[tool.pytest.ini_options]\naddopts = '-k nothing'\n",
        "tests/unit/pyproject.toml",
        "configures pytest for the tests under it",
    ),
    # mypy and ruff configuration
    (
        "mypy-follow-imports-skip",
        PYPROJECT,
        MYPY,
        MYPY + 'follow_imports = "skip"\n',
        PYPROJECT,
        "`follow_imports = 'skip'`",
    ),
    (
        "mypy-disable-error-code",
        PYPROJECT,
        MYPY,
        MYPY + 'disable_error_code = ["return-value"]\n',
        PYPROJECT,
        "`disable_error_code = ['return-value']`",
    ),
    (
        "mypy-strict-flag-off",
        PYPROJECT,
        MYPY,
        MYPY + "disallow_untyped_defs = false\n",
        PYPROJECT,
        "`disallow_untyped_defs = False`",
    ),
    (
        "mypy-override-package",
        PYPROJECT,
        MYPY,
        '[[tool.mypy.overrides]]\nmodule = ["tta_api.*"]\nwarn_return_any = false\n\n' + MYPY,
        PYPROJECT,
        "the mypy override for ['tta_api.*'] sets `warn_return_any = False`",
    ),
    (
        "mypy-exclude-packages",
        PYPROJECT,
        'exclude = ["^tests/unit/tooling/efficiency/corpus/"]',
        'exclude = ["^tests/unit/tooling/efficiency/corpus/", "^packages/tta-api/"]',
        PYPROJECT,
        "mypy `exclude` '^packages/tta-api/' leaves out code",
    ),
    (
        "ruff-include",
        PYPROJECT,
        "[tool.ruff]\n",
        '[tool.ruff]\ninclude = ["tooling/**/*.py"]\n',
        PYPROJECT,
        "ruff `include` replaces the files ruff checks",
    ),
    # Whole-file ignores
    (
        "module-type-ignore",
        "packages/tta-api/src/tta_api/planted.py",
        None,
        '# type: ignore\n"""Planted."""\n\nx: int = \'text\'\n',
        "packages/tta-api/src/tta_api/planted.py",
        "mypy skips the file",
    ),
    (
        "mypy-comment",
        "tooling/src/tta_tooling/planted.py",
        None,
        '"""Planted."""\n# mypy: ignore-errors\n\nx: int = \'text\'\n',
        "tooling/src/tta_tooling/planted.py",
        "`# mypy: ignore-errors` relaxes mypy",
    ),
    (
        "file-noqa",
        "tests/unit/planted.py",
        None,
        "# ruff: noqa\nimport os\n",
        "tests/unit/planted.py",
        "ruff checks no rule in the file",
    ),
    (
        "pragma-no-cover",
        "packages/tta-api/src/tta_api/planted.py",
        None,
        "def handle():  # pragma: no cover\n    return 1\n",
        "packages/tta-api/src/tta_api/planted.py",
        "leaves code out of the coverage gate",
    ),
    (
        "gitignore-integration",
        ".gitignore",
        None,
        "integration/\n",
        ".gitignore",
        "`integration/` hides tests/integration/",
    ),
    (
        "ignore-file-python",
        "tests/.ignore",
        None,
        "*.py\n",
        "tests/.ignore",
        "`*.py` hides tests/",
    ),
    # Timeouts that stop a gate before it runs
    (
        "job-timeout-zero",
        QUALITY,
        "    timeout-minutes: 20\n",
        "    timeout-minutes: 0\n",
        QUALITY,
        "`timeout-minutes: 0` stops it",
    ),
    (
        "step-timeout-zero",
        QUALITY,
        STATIC,
        STATIC + "        timeout-minutes: 0\n",
        QUALITY,
        "`timeout-minutes: 0` stops it",
    ),
    (
        "step-timeout-negative",
        QUALITY,
        STATIC,
        STATIC + "        timeout-minutes: -5\n",
        QUALITY,
        "`timeout-minutes: -5` stops it",
    ),
]

HARMLESS = [
    (
        "fail-under-above-the-stages",
        PYPROJECT,
        COVERAGE_REPORT,
        COVERAGE_REPORT + "fail_under = 80\n",
    ),
    ("coverage-precision", PYPROJECT, COVERAGE_REPORT, COVERAGE_REPORT + "precision = 1\n"),
    ("coverage-cli-pretty", NOXFILE, COVERAGE_RUN, _with_coverage("--pretty-print")),
    (
        "stage-raised",
        "packages/tta-api/pyproject.toml",
        'stage = "staging"',
        'stage = "production"',
    ),
    (
        "ci-case-that-only-echoes",
        CI_RUN,
        TESTS_START,
        'case "$(uname)" in\n    Linux) echo "ci: on Linux" ;;\n'
        '    *) echo "ci: elsewhere" ;;\nesac\n' + TESTS_START,
    ),
    (
        "ci-case-before-the-gates",
        CI_RUN,
        OTHERS,
        'case "${CI:-}" in\n    *) true ;;\nesac\n' + OTHERS,
    ),
    (
        "ci-exit-handler-says-more",
        CI_RUN,
        '    exit "$status"\n',
        '    echo "ci: exit status $status"\n    exit "$status"\n',
    ),
    ("ci-trap-err-reset", CI_RUN, TESTS_START, "trap - ERR\n" + TESTS_START),
    (
        "ci-test-and-echo",
        CI_RUN,
        TESTS_START,
        '[ -n "${CI:-}" ] && echo "ci: on CI"\n' + TESTS_START,
    ),
    (
        "nox-external-uv",
        NOXFILE,
        TYPECHECK,
        '    session.run("uv", "--version", external=True)\n' + TYPECHECK,
    ),
    (
        "nox-try-finally",
        NOXFILE,
        TYPECHECK,
        "    try:\n    " + TYPECHECK + '    finally:\n        session.log("typed")\n',
    ),
    (
        "nox-try-reraise",
        NOXFILE,
        TYPECHECK,
        "    try:\n    " + TYPECHECK + "    except nox.command.CommandFailed:\n"
        '        session.log("mypy failed")\n        raise\n',
    ),
    ("nox-pytest-durations", NOXFILE, UNIT_TIER, UNIT_TIER + '        "--durations-min=1.0",\n'),
    ("nox-exit-in-main", NOXFILE, "    nox.main()\n", "    nox.main()\n    sys.exit(0)\n"),
    (
        "conftest-fixture",
        CONFTEST,
        None,
        "import pytest\n\n\n@pytest.fixture\ndef answer():\n    return 42\n",
    ),
    (
        "conftest-markers",
        CONFTEST,
        None,
        "def pytest_configure(config):\n"
        "    config.addinivalue_line('markers', 'slow: a slow test')\n",
    ),
    (
        "conftest-tryfirst",
        CONFTEST,
        None,
        "import pytest\n\n\n@pytest.hookimpl(tryfirst=True)\n"
        "def pytest_collection_modifyitems(items):\n"
        "    for item in items:\n        item.add_marker(pytest.mark.integration)\n",
    ),
    (
        "ruff-ignores-another-style-rule",
        PYPROJECT,
        'ignore = ["PLR0913"',
        'ignore = ["PLR0911", "PLR0913"',
    ),
    ("ruff-selects-more", PYPROJECT, 'select = ["E", "W", "F", ', 'select = ["E", "W", "F", "N", '),
    ("mypy-stricter", PYPROJECT, MYPY, MYPY + "warn_return_any = true\n"),
    (
        "ruff-extend-include",
        PYPROJECT,
        "[tool.ruff]\n",
        '[tool.ruff]\nextend-include = ["*.pyi"]\n',
    ),
    (
        "inline-type-ignore",
        "packages/tta-api/src/tta_api/planted.py",
        None,
        '"""Planted."""\n\nimport json  # type: ignore[import-untyped]\n',
    ),
    (
        "inline-noqa-and-mention",
        "tooling/src/tta_tooling/planted.py",
        None,
        '"""Mentions `# pragma: no cover` and `# ruff: noqa` in text only."""\n\n'
        "import os  # noqa: F401\n",
    ),
    ("gitignore-logs", ".gitignore", None, "*.log\n/reports/\n"),
    ("job-timeout-longer", QUALITY, "    timeout-minutes: 20\n", "    timeout-minutes: 45\n"),
    (
        "row-with-an-alias",
        ROWS,
        LINT_PLANT + LINT_ROW,
        '    planted = repo_copy / PRIMITIVES / "planted.py"\n'
        '    planted.write_text(\'"""Planted."""\\n\\nimport os\\n\')\n'
        '    done = run_nox(repo_copy, "-s", "lint")\n    assert_red(done, "planted.py", "F401")\n',
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in BYPASSES],
)
def test_weakened_gate_is_a_finding_naming_file_and_line(
    ci_copy: Path,
    run_tooling: RunTooling,
    same_catalog: None,
    file: str,
    old: str | None,
    new: str,
    where: str,
    expected: str,
) -> None:
    place(ci_copy, file, old, new)
    assert_finding_at(run_tooling("check-gates", "--root", ci_copy), where, expected)


@pytest.mark.parametrize(
    ("file", "old", "new"), [pytest.param(*case[1:], id=case[0]) for case in HARMLESS]
)
def test_harmless_look_alike_is_accepted(
    ci_copy: Path,
    run_tooling: RunTooling,
    same_catalog: None,
    file: str,
    old: str | None,
    new: str,
) -> None:
    place(ci_copy, file, old, new)
    done = run_tooling("check-gates", "--root", ci_copy)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr
