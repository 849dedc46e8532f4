"""Round five: an adversary's edits of classes no earlier round listed - gates rewired from
the noxfile's module level or a conftest (environment, nox's own objects, `pytest.exit`,
ini settings), `.ci/run` running code check-gates cannot read (`eval`, `source`, aliases,
functions named like commands, `shopt -o`, PATH), containers and timeouts set from
outside, configuration loaded from elsewhere (ruff `extend`, local mypy and coverage
plugins, VS Code's env file). Each planted in a copy of the repository and run through
``check-gates`` in-process; then harmless look-alikes, which must stay accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.gates import commands
from tta_tooling.gates.nox_sessions import load_catalog

from ..conftest import RunTooling
from .conftest import assert_finding_at, place, plant
from .pinned import NOX

NOXFILE = "noxfile.py"
PYPROJECT = "pyproject.toml"
CONFTEST = "tests/conftest.py"
QUALITY = ".github/workflows/quality-check.yml"
TASKS = ".vscode/tasks.json"
SETTINGS = ".vscode/settings.json"
CI_RUN = ".ci/run"
QUALITY_RUNNER = "    runs-on: ubuntu-latest\n    timeout-minutes: 20\n"
TESTS_START = "tests_start=$SECONDS\n"
VERSION = NOX.split("@")[1]
OTHERS = (
    f'.nox/uv/bin/uv tool run --system-certs nox@{VERSION} --report "$reports/gates.json" '
    "--allow-parallel -s $others selftest-opt-in faults e2e mcp-clients\n"
)
LINT = 'session.run("ruff", "check", "--output-format=concise", *(session.posargs or ["."]))'
FORMAT = 'session.run("ruff", "format", *(session.posargs or ["--check", "--diff", "."]))'
FORMAT_TASK = '"label": "nox: format",\n      "type": "shell",'

# (id, file, text to replace or None to create / append, new text, finding's file, finding)
BYPASSES = [
    (
        "noxfile-ruff-fix",
        NOXFILE,
        LINT,
        LINT.replace('"--output-format=concise"', '"--output-format=concise", "--fix"'),
        NOXFILE,
        "runs ruff with `--fix`",
    ),
    (
        "noxfile-format-without-check",
        NOXFILE,
        FORMAT,
        FORMAT.replace('"--check", "--diff", ', ""),
        NOXFILE,
        "no longer runs `ruff format --check`",
    ),
    (
        "noxfile-environment-at-module-level",
        NOXFILE,
        "import nox\n",
        'import nox\n\nos.environ["PYTEST_ADDOPTS"] = "-k smoke_only"\n',
        NOXFILE,
        "sets the environment variable PYTEST_ADDOPTS for every session",
    ),
    (
        "noxfile-environment-update",
        NOXFILE,
        "import nox\n",
        'import nox\n\nos.environ.update({"RUFF_NO_CACHE": "1"})\n',
        NOXFILE,
        "sets the environment variable ? for every session",
    ),
    (
        "noxfile-session-run-replaced",
        NOXFILE,
        "import nox\n",
        "import nox\n\nnox.Session.run = lambda *args, **kwargs: None\n",
        NOXFILE,
        "replaces `nox.Session.run`",
    ),
    (
        "noxfile-setattr-on-nox",
        NOXFILE,
        "import nox\n",
        'import nox\n\nsetattr(nox.Session, "run", print)\n',
        NOXFILE,
        "replaces `nox.Session`",
    ),
    (
        "conftest-pytest-exit",
        CONFTEST,
        None,
        "import pytest\n\n\ndef pytest_sessionstart(session):\n"
        "    pytest.exit('ok', returncode=0)\n",
        CONFTEST,
        "exits the test process itself",
    ),
    (
        "conftest-ini-settings",
        CONFTEST,
        None,
        "def pytest_configure(config):\n    config.inicfg['addopts'] = '-k nothing'\n",
        CONFTEST,
        "pytest's ini settings change from code",
    ),
    (
        "conftest-environment",
        CONFTEST,
        None,
        "import os\n\nos.environ['PYTEST_ADDOPTS'] = '-k nothing'\n",
        CONFTEST,
        "sets the environment variable PYTEST_ADDOPTS",
    ),
    (
        "conftest-putenv",
        CONFTEST,
        None,
        "import os\n\nos.putenv('COVERAGE_RCFILE', 'tests/lenient.cfg')\n",
        CONFTEST,
        "sets the environment variable COVERAGE_RCFILE",
    ),
    (
        "container-options-env",
        QUALITY,
        QUALITY_RUNNER,
        QUALITY_RUNNER + "    container:\n      image: python:3.11\n"
        "      options: -e PYTEST_ADDOPTS=--co\n",
        QUALITY,
        "`container.options` passes `-e`",
    ),
    (
        "container-options-env-file",
        QUALITY,
        QUALITY_RUNNER,
        QUALITY_RUNNER + "    container:\n      image: python:3.11\n"
        "      options: --env-file=.ci/lenient.env\n",
        QUALITY,
        "`container.options` passes `--env-file=.ci/lenient.env`",
    ),
    (
        "timeout-from-an-expression",
        QUALITY,
        QUALITY_RUNNER,
        "    runs-on: ubuntu-latest\n    timeout-minutes: ${{ fromJSON('0') }}\n",
        QUALITY,
        "stops it before its gate runs",
    ),
    (
        "ci-run-function-named-like-uv",
        CI_RUN,
        TESTS_START,
        ".nox/uv/bin/uv() {\n    echo skipped\n}\n" + TESTS_START,
        CI_RUN,
        "function `.nox/uv/bin/uv` stands in for a command",
    ),
    (
        "ci-run-command-not-found-handler",
        CI_RUN,
        TESTS_START,
        "command_not_found_handle() {\n    return 0\n}\n" + TESTS_START,
        CI_RUN,
        "function `command_not_found_handle` stands in for a command",
    ),
    ("ci-run-eval", CI_RUN, TESTS_START, "eval 'set +e'\n" + TESTS_START, CI_RUN, "runs a string"),
    (
        "ci-run-source",
        CI_RUN,
        TESTS_START,
        ". .ci/env.sh\n" + TESTS_START,
        CI_RUN,
        "runs another file's commands",
    ),
    (
        "ci-run-shopt-errexit",
        CI_RUN,
        TESTS_START,
        "shopt -u -o errexit\n" + TESTS_START,
        CI_RUN,
        "changes `set -o` options",
    ),
    (
        "ci-run-alias",
        CI_RUN,
        TESTS_START,
        "shopt -s expand_aliases\nalias python3=true\n" + TESTS_START,
        CI_RUN,
        "defines an alias",
    ),
    (
        "ci-run-path",
        CI_RUN,
        TESTS_START,
        'export PATH="$PWD/.ci/shims:$PATH"\n' + TESTS_START,
        CI_RUN,
        "sets PATH",
    ),
    (
        "ci-run-exports-pytest-addopts",
        CI_RUN,
        OTHERS,
        "PYTEST_ADDOPTS=--co " + OTHERS,
        CI_RUN,
        "sets PYTEST_ADDOPTS",
    ),
    (
        "vscode-env-file",
        SETTINGS,
        None,
        '{\n  "python.envFile": "${workspaceFolder}/.ci/test.env"\n}\n',
        SETTINGS,
        "loads environment variables from a file",
    ),
    (
        "vscode-default-profile",
        SETTINGS,
        None,
        '{\n  "terminal.integrated.defaultProfile.linux": "sh"\n}\n',
        SETTINGS,
        "sets the shell VS Code tasks run in",
    ),
    (
        "ruff-extend",
        PYPROJECT,
        "[tool.ruff]\n",
        '[tool.ruff]\nextend = "tooling/ruff-base.toml"\n',
        PYPROJECT,
        "`extend` loads 'tooling/ruff-base.toml'",
    ),
    (
        "mypy-local-plugin",
        PYPROJECT,
        "[tool.mypy]\n",
        '[tool.mypy]\nplugins = ["tests.mypy_quiet"]\n',
        PYPROJECT,
        "`plugins` loads 'tests.mypy_quiet'",
    ),
    (
        "coverage-local-plugin",
        PYPROJECT,
        "[tool.coverage.run]\n",
        '[tool.coverage.run]\nplugins = ["tests.coverage_quiet"]\n',
        PYPROJECT,
        "`plugins` loads 'tests.coverage_quiet'",
    ),
    (
        "conftest-empty-parametrize",
        CONFTEST,
        None,
        "def pytest_generate_tests(metafunc):\n    metafunc.parametrize('x', [])\n",
        CONFTEST,
        "`pytest_generate_tests` can change which tests run",
    ),
    (
        "conftest-cmdline-main",
        CONFTEST,
        None,
        "def pytest_cmdline_main(config):\n    return 0\n",
        CONFTEST,
        "`pytest_cmdline_main` can change which tests run",
    ),
    (
        "conftest-skip-exception",
        CONFTEST,
        None,
        "import pytest\n\n\ndef pytest_runtest_setup(item):\n"
        "    raise pytest.skip.Exception('no')\n",
        CONFTEST,
        "raises `pytest.skip.Exception`",
    ),
    (
        "conftest-pytest-internals",
        CONFTEST,
        None,
        "from _pytest.outcomes import Skipped\n\n\ndef pytest_runtest_setup(item):\n"
        "    raise Skipped('no')\n",
        CONFTEST,
        "imports pytest's outcome functions or internals",
    ),
    (
        "conftest-skip-under-another-name",
        CONFTEST,
        None,
        "from pytest import skip as later\n\n\ndef pytest_runtest_setup(item):\n    later('no')\n",
        CONFTEST,
        "imports pytest's outcome functions or internals",
    ),
    (
        "conftest-marker-by-name",
        CONFTEST,
        None,
        "def pytest_runtest_setup(item):\n    item.add_marker('skip')\n",
        CONFTEST,
        "adds the marker 'skip'",
    ),
    (
        "conftest-test-code-replaced",
        CONFTEST,
        None,
        "def pytest_itemcollected(item):\n    item.obj = lambda *args, **kwargs: None\n",
        CONFTEST,
        "sets `item.obj`",
    ),
    (
        "conftest-session-stops",
        CONFTEST,
        None,
        "def pytest_sessionstart(session):\n    session.shouldstop = 'enough'\n",
        CONFTEST,
        "sets `session.shouldstop`",
    ),
    (
        "conftest-plugin-imported",
        CONFTEST,
        None,
        "def pytest_configure(config):\n    config.pluginmanager.import_plugin('tests.lenient')\n",
        CONFTEST,
        "calls `config.pluginmanager.import_plugin`",
    ),
]

HARMLESS = [
    (
        "noxfile-reads-the-environment",
        NOXFILE,
        "import nox\n",
        'import nox\n\nON_CI = "CI" in os.environ\n',
    ),
    (
        "conftest-sets-the-timezone",
        CONFTEST,
        None,
        "import os\n\nos.environ.setdefault('TZ', 'UTC')\n",
    ),
    (
        "mypy-installed-plugin",
        PYPROJECT,
        "[tool.mypy]\n",
        '[tool.mypy]\nplugins = ["pydantic.mypy"]\n',
    ),
    (
        "container-cpus",
        QUALITY,
        QUALITY_RUNNER,
        QUALITY_RUNNER + "    container:\n      image: python:3.11\n      options: --cpus 2\n",
    ),
    (
        "timeout-longer",
        QUALITY,
        QUALITY_RUNNER,
        "    runs-on: ubuntu-latest\n    timeout-minutes: 25\n",
    ),
    ("ci-run-exports-force-color", CI_RUN, TESTS_START, "export FORCE_COLOR=1\n" + TESTS_START),
    (
        "ci-run-helper-function",
        CI_RUN,
        TESTS_START,
        'say() { echo "ci: $*"; }\nsay start\n' + TESTS_START,
    ),
    (
        "conftest-sorts-items",
        CONFTEST,
        None,
        "def pytest_collection_modifyitems(items):\n    items.sort(key=lambda item: item.nodeid)\n",
    ),
    ("vscode-pytest-enabled", SETTINGS, None, '{\n  "python.testing.pytestEnabled": true\n}\n'),
    (
        "vscode-task-label-renamed",
        TASKS,
        '"label": "nox: format"',
        '"label": "nox: format (check)"',
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in BYPASSES],
)
def test_bypass_is_a_finding_naming_file_and_line(
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
    ci_copy: Path, run_tooling: RunTooling, same_catalog: None, file: str, old: str | None, new: str
) -> None:
    place(ci_copy, file, old, new)
    done = run_tooling("check-gates", "--root", ci_copy)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_gate_taken_out_of_the_default_run(ci_copy: Path, run_tooling: RunTooling) -> None:
    """`default=False` on a gate's session: plain `nox` (and `.ci/run`'s listing) skip it."""
    plant(
        ci_copy,
        NOXFILE,
        '@nox.session(python=DEFAULT_PYTHON, tags=["quality", "portable"], allow_parallel=True)\n'
        '@ci_posargs(r"--statistics"',
        '@nox.session(\n    python=DEFAULT_PYTHON,\n    tags=["quality", "portable"],\n'
        '    allow_parallel=True,\n    default=False,\n)\n@ci_posargs(r"--statistics"',
    )
    assert_finding_at(
        run_tooling("check-gates", "--root", ci_copy),
        NOXFILE,
        "session 'lint' is not a default session any more",
    )


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_python_dropped_from_the_classifiers(
    ci_copy: Path, run_tooling: RunTooling, monkeypatch: pytest.MonkeyPatch
) -> None:
    """noxfile.py runs the tests on the classifiers' Pythons: one fewer is one run fewer.

    The noxfile's text is unchanged, so its sessions are listed afresh, not shared.
    """
    monkeypatch.setattr(commands, "load_catalog", load_catalog)
    plant(ci_copy, PYPROJECT, '    "Programming Language :: Python :: 3.13",\n', "")
    assert_finding_at(
        run_tooling("check-gates", "--root", ci_copy),
        PYPROJECT,
        "the tests session no longer runs on Python 3.13",
    )
