"""Round two of bypasses: each an edit a reviewer could merge that GitHub's runtime, the
CI entry point, VS Code, nox or pytest would run differently from what it looks like;
each planted in a copy of the repository and run through ``check-gates`` in-process.
Then realistic harmless edits of the same files, which must stay accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ....common.repository_files import REPO_ROOT
from ..conftest import RunTooling
from .conftest import assert_finding_at, plant
from .pinned import NOX

CI = ".github/workflows/ci.yml"
QUALITY = ".github/workflows/quality-check.yml"
SECURITY = ".github/workflows/security.yml"
MCP = ".github/workflows/mcp-validation.yml"
TASKS = ".vscode/tasks.json"
SETTINGS = ".vscode/settings.json"
STATIC = f"      - name: Static gates\n        run: {NOX} -t quality\n"
RUN_LINUX = "      - name: Run the session\n        env:\n"
RUN_PORTABLE = "      - name: Run the session\n        shell: bash\n"
LINUX_JOB = "  linux:\n    name: ${{ matrix.session.session }}\n    needs: sessions\n"
QUALITY_RUNNER = "    runs-on: ubuntu-latest\n    timeout-minutes: 20\n"
PR_TRIGGER = "  push:\n    branches: [main]\n  pull_request:\n"
TESTS_LINE = f"&& .nox/uv/bin/uv tool run --system-certs nox@{NOX.split('@')[1]} -s tests\n"
CODECOV_FAIL = (
    "          fail_ci_if_error: ${{ github.event.pull_request.head.repo.fork != true }}\n"
)
LIST_LINUX = f'          echo "linux=$({NOX} --list --json -t linux)" >> "$GITHUB_OUTPUT"\n'
LINT_RUN = (
    '    session.run("ruff", "check", "--output-format=concise", *(session.posargs or ["."]))\n'
)
TYPECHECK_RUN = '    install(session, "typecheck")\n    session.run("mypy", *session.posargs)\n'
ADDOPTS = '    "--strict-markers",\n'
PORTABLE_OS = "        os: [ubuntu-latest, macos-latest, windows-latest]\n"
_QUALITY_TEXT = (REPO_ROOT / QUALITY).read_text(encoding="utf-8")
QUALITY_JOB = (
    _QUALITY_TEXT[_QUALITY_TEXT.index(QUALITY_RUNNER) : _QUALITY_TEXT.index(STATIC)] + STATIC
)


def _static(script: str, extra: str = "") -> str:
    """quality-check.yml's 'Static gates' step running ``script`` (with extra step keys)."""
    body = "".join(f"          {line}\n" for line in script.splitlines())
    keys = "".join(f"        {line}\n" for line in extra.splitlines())
    return f"      - name: Static gates\n{keys}        run: |\n{body}"


def _step_before_static(step: str) -> str:
    return "".join(f"      {line}\n" for line in step.splitlines()) + STATIC


# (id, file, text to replace or None to create the file, new text, finding's file, finding)
BYPASSES = [
    # Environment reaching the tools indirectly
    (
        "env-expression",
        QUALITY,
        QUALITY_RUNNER,
        QUALITY_RUNNER + "    env: ${{ fromJSON(vars.GATE_ENVIRONMENT) }}\n",
        QUALITY,
        "field 'env' must be a mapping",
    ),
    (
        "github-env-multiline",
        QUALITY,
        STATIC,
        _static(f'echo "PYTEST_ADDOPTS<<EOF" >> "$GITHUB_ENV"\n{NOX} -t quality'),
        QUALITY,
        "writes $GITHUB_ENV in a form check-gates cannot read",
    ),
    (
        "github-env-printf",
        QUALITY,
        STATIC,
        _static(f"printf '%s=%s\\n' NOXSESSION lint >> \"$GITHUB_ENV\"\n{NOX} -t quality"),
        QUALITY,
        "writes $GITHUB_ENV in a form",
    ),
    (
        "github-env-variable-line",
        QUALITY,
        STATIC,
        _static(f'line="UV_PYTHON=3.99"\necho "$line" >> "$GITHUB_ENV"\n{NOX} -t quality'),
        QUALITY,
        "writes $GITHUB_ENV in a form",
    ),
    (
        "github-env-bash-function",
        QUALITY,
        STATIC,
        _static(f"echo 'BASH_FUNC_uvx%%=() {{ true; }}' >> \"$GITHUB_ENV\"\n{NOX} -t quality"),
        QUALITY,
        "writes $GITHUB_ENV in a form",
    ),
    (
        "github-env-unlisted-name",
        QUALITY,
        STATIC,
        _static(f'echo "XDG_CONFIG_HOME=$PWD/.cfg" >> "$GITHUB_ENV"\n{NOX} -t quality'),
        QUALITY,
        "sets XDG_CONFIG_HOME, which is not on the list",
    ),
    (
        "set-a-default-expansion",
        QUALITY,
        STATIC,
        _static(f'set -a\n: "${{NOX_DEFAULT_VENV_BACKEND:=none}}"\n{NOX} -t quality'),
        QUALITY,
        "exports every variable the script sets",
    ),
    (
        "assigning-expansion",
        QUALITY,
        STATIC,
        _static(f': "${{UV_INDEX_URL:=http://mirror}}"\n{NOX} -t quality'),
        QUALITY,
        "assigns a variable inside an expansion",
    ),
    (
        "job-env-xdg",
        QUALITY,
        QUALITY_RUNNER,
        QUALITY_RUNNER + "    env:\n      XDG_CONFIG_HOME: .github/uv\n",
        QUALITY,
        "sets XDG_CONFIG_HOME",
    ),
    (
        "container-env",
        QUALITY,
        QUALITY_RUNNER,
        QUALITY_RUNNER
        + "    container:\n      image: python:3.11\n      env:\n        PIP_INDEX_URL: x\n",
        QUALITY,
        "sets PIP_INDEX_URL",
    ),
    (
        "export-function",
        QUALITY,
        STATIC,
        _static(f"export -f uvx\n{NOX} -t quality"),
        QUALITY,
        "export takes no options",
    ),
    (
        "later-output-replaces-matrix",
        CI,
        LIST_LINUX,
        LIST_LINUX + "          echo 'linux=[]' >> \"$GITHUB_OUTPUT\"\n",
        "noxfile.py",
        "default session 'integration' is run by no workflow",
    ),
    (
        "github-env-session",
        QUALITY,
        STATIC,
        _static(f'echo "SESSION=lint" >> "$GITHUB_ENV"\n{NOX} -t quality'),
        QUALITY,
        "sets SESSION for later steps",
    ),
    # Documented but not enforced before: portable sessions on Linux, macOS and Windows
    (
        "portable-linux-only",
        CI,
        PORTABLE_OS,
        "        os: [ubuntu-latest]\n",
        CI,
        "portable session 'tests-3.11' is run on pull requests by no workflow on macOS, Windows",
    ),
    (
        "portable-no-windows",
        CI,
        PORTABLE_OS,
        "        os: [ubuntu-latest, macos-latest]\n",
        CI,
        "portable session 'lint' is run on pull requests by no workflow on Windows",
    ),
    (
        "portable-runner-pinned",
        CI,
        "    runs-on: ${{ matrix.os }}\n",
        "    runs-on: ubuntu-24.04\n",
        CI,
        "portable session 'tests-3.13' is run on pull requests by no workflow on macOS, Windows",
    ),
    # Conditions and triggers
    (
        "job-push-only",
        CI,
        LINUX_JOB,
        LINUX_JOB + "    if: github.event_name == 'push'\n",
        CI,
        "default session 'integration' is run by no workflow on every pull request to main",
    ),
    (
        "job-draft-check",
        CI,
        LINUX_JOB,
        LINUX_JOB + "    if: ${{ !github.event.pull_request.draft }}\n",
        CI,
        "cannot be evaluated for a pull request",
    ),
    (
        "needs-push-only-job",
        CI,
        LINUX_JOB,
        "  gate:\n    if: github.event_name == 'push'\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: 'true'\n" + LINUX_JOB.replace("needs: sessions", "needs: [sessions, gate]"),
        CI,
        "default session 'integration' is run by no workflow on every pull request",
    ),
    (
        "step-env-literal",
        CI,
        RUN_LINUX,
        RUN_LINUX.replace("env:\n", "if: env.FULL == 'true'\n        env:\n"),
        CI,
        "cannot be evaluated for a pull request",
    ),
    (
        "step-fromjson-false",
        CI,
        RUN_LINUX,
        RUN_LINUX.replace(
            "env:\n", "if: fromJSON('false') || github.event_name == 'push'\n        env:\n"
        ),
        CI,
        "is false on a pull request",
    ),
    (
        "step-skips-windows",
        CI,
        RUN_PORTABLE,
        RUN_PORTABLE + "        if: matrix.os != 'windows-latest'\n",
        CI,
        "is false on a pull request for os=windows-latest",
    ),
    (
        "pull-request-target",
        CI,
        PR_TRIGGER,
        "  push:\n    branches: [main]\n  pull_request_target:\n",
        CI,
        "the workflow does not run on every pull request to main",
    ),
    (
        "branches-negated",
        CI,
        PR_TRIGGER,
        PR_TRIGGER + "    branches: ['**', '!ma*n']\n",
        CI,
        "the workflow does not run on every pull request",
    ),
    (
        "branches-ignore-glob",
        CI,
        PR_TRIGGER,
        PR_TRIGGER + "    branches-ignore: ['m?ain*']\n",
        CI,
        "the workflow does not run on every pull request",
    ),
    (
        "branches-below-main",
        CI,
        PR_TRIGGER,
        PR_TRIGGER + "    branches: ['main/**']\n",
        CI,
        "the workflow does not run on every pull request",
    ),
    (
        "dependency-review-draft-only",
        SECURITY,
        "    if: github.event_name == 'pull_request'\n",
        "    if: github.event_name == 'pull_request' && github.event.pull_request.draft\n",
        SECURITY,
        "cannot be evaluated for a pull request",
    ),
    (
        "dependency-review-push-only",
        SECURITY,
        "    if: github.event_name == 'pull_request'\n",
        "    if: github.event_name == 'push'\n",
        SECURITY,
        "a gating job (dependency review, Codecov) is skipped on pull requests",
    ),
    # Actions, options, shells
    (
        "checkout-ref",
        QUALITY,
        "          persist-credentials: false\n",
        "          persist-credentials: false\n          ref: main\n",
        QUALITY,
        "gives actions/checkout the input `ref`",
    ),
    (
        "look-alike-owner",
        QUALITY,
        "astral-sh/setup-uv@",
        "astral-sh-tools/setup-uv@",
        QUALITY,
        "uses astral-sh-tools/setup-uv@",
    ),
    (
        "setup-uv-activates-venv",
        QUALITY,
        "# v6.4.3\n",
        "# v6.4.3\n        with:\n          activate-environment: true\n",
        QUALITY,
        "gives astral-sh/setup-uv the input `activate-environment`",
    ),
    (
        "setup-node-registry",
        MCP,
        '          node-version: "20"\n',
        '          node-version: "20"\n          registry-url: https://npm.example.com\n',
        MCP,
        "gives actions/setup-node the input `registry-url`",
    ),
    (
        "cache-nox",
        QUALITY,
        STATIC,
        _step_before_static(
            "- uses: actions/cache@0400d5f644dc74513175e3cd8d07132dd4860809 # v4.2.4\n"
            "  with:\n    path: .nox\n    key: nox-${{ runner.os }}"
        ).replace(STATIC, _static(f"{NOX} -R -t quality")),
        QUALITY,
        "caches `.nox`",
    ),
    (
        "codecov-quiet",
        CI,
        CODECOV_FAIL,
        "          fail_ci_if_error: false\n",
        CI,
        "must have `fail_ci_if_error: true`",
    ),
    (
        "dependency-review-continue",
        SECURITY,
        "        with:\n          fail-on-severity: moderate\n",
        "        continue-on-error: true\n        with:\n          fail-on-severity: moderate\n",
        SECURITY,
        "`continue-on-error` on actions/dependency-review-action",
    ),
    (
        "dependency-review-warn-only",
        SECURITY,
        "          fail-on-severity: moderate\n",
        "          fail-on-severity: moderate\n          warn-only: true\n",
        SECURITY,
        "`warn-only` turns dependency review's failures into warnings",
    ),
    (
        "windows-from-matrix-key",
        QUALITY,
        QUALITY_JOB,
        QUALITY_JOB.replace(
            "runs-on: ubuntu-latest\n",
            "runs-on: ${{ matrix.runner }}\n    strategy:\n      matrix:\n"
            "        runner: [ubuntu-latest, windows-latest]\n",
        ).replace(STATIC, _static(f"{NOX} -t quality\necho done")),
        QUALITY,
        "a pwsh/cmd step may hold one plain command only",
    ),
    (
        "clobber-redirect",
        QUALITY,
        STATIC,
        _static(f"echo 'collect_ignore = [\"tests\"]' >| tests/conftest.py\n{NOX} -t quality"),
        QUALITY,
        "writes to tests/conftest.py (`>|`)",
    ),
    (
        "both-streams-redirect",
        QUALITY,
        STATIC,
        _static(f"echo '[pytest]' &> pytest.ini\n{NOX} -t quality"),
        QUALITY,
        "writes to pytest.ini (`&>`)",
    ),
    (
        "expression-as-code",
        QUALITY,
        STATIC,
        _static(f'echo "${{{{ github.event.pull_request.title }}}}"\n{NOX} -t quality'),
        QUALITY,
        "substitutes `${{ github.event.pull_request.title }}` into the script",
    ),
    (
        "apt-post-invoke",
        QUALITY,
        STATIC,
        _static(f"sudo apt-get -o 'APT::Update::Post-Invoke::=true' update\n{NOX} -t quality"),
        QUALITY,
        "gives apt-get an option that can run commands",
    ),
    (
        "pyenv-exec",
        QUALITY,
        STATIC,
        _static(f"pyenv exec pytest\n{NOX} -t quality"),
        QUALITY,
        "runs `pyenv exec pytest` directly",
    ),
    # .ci/run
    (
        "ci-run-or-exit",
        ".ci/run",
        "-s $others selftest-opt-in faults e2e mcp-clients\n",
        "-s $others selftest-opt-in faults e2e mcp-clients || exit 0\n",
        ".ci/run",
        "can hide a failing gate",
    ),
    (
        "ci-run-test-in-condition",
        ".ci/run",
        "python3 -m pip install --upgrade --target .nox/uv uv " + TESTS_LINE,
        'if [[ -n "${CI_FULL:-}" ]]; then\npython3 -m pip install --upgrade --target '
        ".nox/uv uv " + TESTS_LINE + "fi\n",
        ".ci/run",
        "runs the README's test command inside an `if`",
    ),
    (
        "ci-run-exit-early",
        ".ci/run",
        "tests_start=$SECONDS\n",
        "exit 0\ntests_start=$SECONDS\n",
        ".ci/run",
        "ends the script before its tests",
    ),
    (
        "ci-run-filter-more",
        ".ci/run",
        'if s["name"] != "tests"',
        'if s["name"] not in ("tests", "api")',
        ".ci/run",
        "filters nox's session listing",
    ),
    (
        "ci-run-listing-tag",
        ".ci/run",
        "--list --json |",
        "--list --json -t quality |",
        ".ci/run",
        "filters nox's session listing",
    ),
    # VS Code
    (
        "settings-terminal-env",
        SETTINGS,
        None,
        '{\n  "terminal.integrated.env.linux": {"PYTEST_ADDOPTS": "--co"}\n}\n',
        SETTINGS,
        "sets PYTEST_ADDOPTS",
    ),
    (
        "settings-automation-shell",
        SETTINGS,
        None,
        '{\n  "terminal.integrated.automationProfile.linux": {"path": "/bin/true"}\n}\n',
        SETTINGS,
        "sets the shell VS Code tasks run in",
    ),
    (
        "task-linux-one-python",
        TASKS,
        f'"command": "{NOX} -s tests"',
        f'"command": "{NOX} -s tests",\n      "linux": {{"command": "{NOX} -s tests-3.11"}}',
        TASKS,
        "runs fewer sessions than the task",
    ),
    # noxfile.py and the pytest configuration
    (
        "success-codes",
        "noxfile.py",
        LINT_RUN,
        LINT_RUN.replace("))\n", "), success_codes=[0, 1])\n"),
        "noxfile.py",
        "`success_codes` lets a failing command pass",
    ),
    (
        "session-skip-on-ci",
        "noxfile.py",
        TYPECHECK_RUN,
        '    if ON_CI:\n        session.skip("slow on CI")\n' + TYPECHECK_RUN,
        "noxfile.py",
        "`session.skip` passes a gate without running it",
    ),
    (
        "early-return-on-ci",
        "noxfile.py",
        TYPECHECK_RUN,
        '    install(session, "typecheck")\n    if ON_CI:\n        return\n'
        '    session.run("mypy", *session.posargs)\n',
        "noxfile.py",
        "returns before running its tools",
    ),
    (
        "lint-one-folder",
        "noxfile.py",
        LINT_RUN,
        LINT_RUN.replace('["."]', '["tooling"]'),
        "noxfile.py",
        "runs ruff with `tooling`",
    ),
    (
        "ruff-exit-zero",
        "noxfile.py",
        LINT_RUN,
        LINT_RUN.replace('"check",', '"check", "--exit-zero",'),
        "noxfile.py",
        "runs ruff with `--exit-zero`",
    ),
    (
        "mypy-one-folder",
        "noxfile.py",
        TYPECHECK_RUN,
        TYPECHECK_RUN.replace("*session.posargs", '"tooling/src", *session.posargs'),
        "noxfile.py",
        "runs mypy with `tooling/src`",
    ),
    (
        "ruff-config-excludes",
        "pyproject.toml",
        'extend-exclude = [".nox", "tests/unit/tooling/efficiency/corpus"]',
        'extend-exclude = [".nox", "tests/unit/tooling/efficiency/corpus", "packages/tta-api"]',
        "pyproject.toml",
        "ruff `extend-exclude` leaves out 'packages/tta-api'",
    ),
    (
        "mypy-config-narrowed",
        "pyproject.toml",
        'files = ["packages", "tooling/src", "tests", "noxfile.py", "tasks.py"]',
        'files = ["packages", "tooling/src"]',
        "pyproject.toml",
        "mypy `files` leaves out tests",
    ),
    (
        "mypy-ignore-errors",
        "pyproject.toml",
        "disallow_untyped_defs = false\n",
        "disallow_untyped_defs = false\nignore_errors = true\n",
        "pyproject.toml",
        "sets `ignore_errors`",
    ),
    (
        "addopts-deselect",
        "pyproject.toml",
        ADDOPTS,
        ADDOPTS + '    "--deselect=tests/unit/tta_api",\n',
        "pyproject.toml",
        "addopts `--deselect=tests/unit/tta_api`",
    ),
    (
        "addopts-keyword",
        "pyproject.toml",
        ADDOPTS,
        ADDOPTS + '    "-k",\n    "not api",\n',
        "pyproject.toml",
        "addopts `-k`",
    ),
    (
        "xfail-not-strict",
        "pyproject.toml",
        "xfail_strict = true",
        "xfail_strict = false",
        "pyproject.toml",
        "xfail_strict = False lets xpassing tests pass",
    ),
    (
        "xfail-strict-removed",
        "pyproject.toml",
        "xfail_strict = true\n",
        "",
        "pyproject.toml",
        "`xfail_strict` was removed",
    ),
    (
        "xfail-strict-a-string",
        "pyproject.toml",
        "xfail_strict = true",
        'xfail_strict = "true"',
        "pyproject.toml",
        "xfail_strict = 'true' lets xpassing tests pass",
    ),
    (
        "warnings-ignored-after-error",
        "pyproject.toml",
        'filterwarnings = ["error"]',
        'filterwarnings = ["error", "ignore"]',
        "pyproject.toml",
        "`ignore` turns every warning back off",
    ),
    (
        "warnings-default-for-every-category",
        "pyproject.toml",
        'filterwarnings = ["error"]',
        'filterwarnings = ["error", "default::Warning"]',
        "pyproject.toml",
        "`default::Warning` turns every warning back off",
    ),
    (
        "warnings-error-dropped",
        "pyproject.toml",
        'filterwarnings = ["error"]',
        'filterwarnings = ["error::DeprecationWarning"]',
        "pyproject.toml",
        "has no catch-all `error`",
    ),
    (
        "warnings-removed",
        "pyproject.toml",
        'filterwarnings = ["error"]\n',
        "",
        "pyproject.toml",
        "`filterwarnings` was removed",
    ),
    (
        "testpaths-narrowed",
        "pyproject.toml",
        'testpaths = ["tests/unit"]',
        'testpaths = ["tests/unit/tooling"]',
        "pyproject.toml",
        "leave out tests/unit",
    ),
    (
        "pytest-ini",
        "pytest.ini",
        None,
        "[pytest]\naddopts = -q\n",
        "pytest.ini",
        "configures pytest, which then ignores",
    ),
    (
        "conftest-exit-status",
        "tests/conftest.py",
        None,
        "def pytest_sessionfinish(session, exitstatus):\n    session.exitstatus = 0\n",
        "tests/conftest.py",
        "sets `session.exitstatus`",
    ),
    (
        "conftest-drops-items",
        "tests/unit/conftest.py",
        None,
        "def pytest_collection_modifyitems(config, items):\n    items[:] = items[:1]\n",
        "tests/unit/conftest.py",
        "drops, deselects or skips collected tests",
    ),
    (
        "conftest-makereport",
        "packages/conftest.py",
        None,
        "import pytest\n\n\n@pytest.hookimpl(hookwrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n    yield\n",
        "packages/conftest.py",
        "`pytest_runtest_makereport` can change",
    ),
    # .ci/run: the line numbers, and the listing cut by an expansion
    (
        "ci-run-others-cut",
        ".ci/run",
        "-s $others selftest-opt-in faults e2e mcp-clients\n",
        "-s ${others%% *} selftest-opt-in faults e2e mcp-clients\n",
        ".ci/run",
        "no top-level nox call after the README's test command runs every other default",
    ),
    (
        "ci-run-not-strict",
        ".ci/run",
        "set -euo pipefail\n",
        "set -uo pipefail\n",
        ".ci/run",
        "must run under `set -euo pipefail`",
    ),
    (
        "ci-run-tests-in-background",
        ".ci/run",
        TESTS_LINE,
        TESTS_LINE.rstrip("\n") + " &\n",
        ".ci/run",
        "can hide a failing gate: it runs in the background",
    ),
    (
        "ci-run-tests-in-a-loop-never-entered",
        ".ci/run",
        "python3 -m pip install --upgrade --target .nox/uv uv " + TESTS_LINE,
        "while false; do\npython3 -m pip install --upgrade --target .nox/uv uv "
        + TESTS_LINE
        + "done\n",
        ".ci/run",
        "runs the README's test command inside a `while` loop",
    ),
    (
        "ci-run-tests-in-a-function-never-called",
        ".ci/run",
        "python3 -m pip install --upgrade --target .nox/uv uv " + TESTS_LINE,
        "run_tests() {\npython3 -m pip install --upgrade --target .nox/uv uv " + TESTS_LINE + "}\n",
        ".ci/run",
        "runs the README's test command inside function run_tests()",
    ),
    (
        "ci-run-trap-exits-green",
        ".ci/run",
        '    exit "$status"\n',
        "    exit 0\n",
        ".ci/run",
        "`exit 0` can hide a failing gate",
    ),
    (
        "ci-run-tests-or-colon",
        ".ci/run",
        TESTS_LINE,
        TESTS_LINE.rstrip("\n") + " || :\n",
        ".ci/run",
        "is followed by `||`, which swallows its failure",
    ),
    # VS Code's own pytest runs
    (
        "vscode-pytest-keyword",
        SETTINGS,
        None,
        '{\n  "python.testing.pytestArgs": ["tests", "-k", "not slow"]\n}\n',
        SETTINGS,
        "passes '-k' to the editor's pytest runs",
    ),
    (
        "vscode-pytest-deselect",
        SETTINGS,
        None,
        '{\n  "python.testing.pytestArgs": ["--deselect=tests/unit/tta_api"]\n}\n',
        SETTINGS,
        "passes '--deselect=tests/unit/tta_api'",
    ),
    (
        "vscode-pytest-plugin-off",
        SETTINGS,
        None,
        '{\n  "python.testing.pytestArgs": ["-p", "no:asyncio"]\n}\n',
        SETTINGS,
        "passes '-p=no:asyncio'",
    ),
    # pytest narrowed through a module constant the session unpacks
    (
        "noxfile-constant-marker",
        "noxfile.py",
        'UNIT_TIER = ("-m", "not smoke",',
        'UNIT_TIER = ("-m", "not smoke and not slow",',
        "noxfile.py",
        "[session tests] runs pytest with `-m`, which drops tests",
    ),
    (
        "noxfile-constant-keyword",
        "noxfile.py",
        'XDIST = ("--numprocesses=auto",',
        'XDIST = ("-k", "not api", "--numprocesses=auto",',
        "noxfile.py",
        "runs pytest with `-k`, which drops tests",
    ),
    (
        "noxfile-constant-deselect",
        "noxfile.py",
        'UNIT_TIER = ("-m", "not smoke",',
        'UNIT_TIER = ("--deselect=tests/unit/tta_api", "-m", "not smoke",',
        "noxfile.py",
        "runs pytest with `--deselect=tests/unit/tta_api`",
    ),
    # Tool configuration that narrows lint, typecheck or coverage from inside
    (
        "ruff-per-file-ignores-all",
        "pyproject.toml",
        '"tests/**" = [',
        '"*" = ["ALL"]\n"tests/**" = [',
        "pyproject.toml",
        "files may be excused from rules only under tests/",
    ),
    (
        "ruff-per-file-ignores-a-package",
        "pyproject.toml",
        '"tests/**" = [',
        '"packages/tta-api/**" = ["F", "E"]\n"tests/**" = [',
        "pyproject.toml",
        "'packages/tta-api/**'",
    ),
    (
        "ruff-per-file-ignores-all-in-tests",
        "pyproject.toml",
        '"tests/**" = [',
        '"tests/unit/**" = ["ALL"]\n"tests/**" = [',
        "pyproject.toml",
        "never from ALL",
    ),
    (
        "ruff-ignore-a-family",
        "pyproject.toml",
        'ignore = ["PLR0913"',
        'ignore = ["F", "PLR0913"',
        "pyproject.toml",
        "ruff `ignore` ignores 'F', a whole rule family",
    ),
    (
        "ruff-toml-in-a-package",
        "packages/tta-api/ruff.toml",
        None,
        "[lint]\nselect = []\n",
        "packages/tta-api/ruff.toml",
        "configures ruff for the files under it",
    ),
    (
        "ruff-in-a-nested-pyproject",
        "tooling/pyproject.toml",
        None,
        '[project]\nname = "x"\n\n[tool.ruff]\nexclude = ["src"]\n',
        "tooling/pyproject.toml",
        "configures ruff for the files under it",
    ),
    ("mypy-ini", "mypy.ini", None, "[mypy]\nignore_errors = True\n", "mypy.ini", "mypy"),
    (
        "setup-cfg-mypy",
        "setup.cfg",
        None,
        "[mypy-tta_api.*]\nignore_errors = True\n",
        "setup.cfg",
        "configures mypy outside pyproject.toml",
    ),
    (
        "coveragerc",
        ".coveragerc",
        None,
        "[run]\nomit = packages/*\n",
        ".coveragerc",
        "configures coverage outside pyproject.toml",
    ),
    (
        "coverage-omit",
        "pyproject.toml",
        "branch = true\n",
        'branch = true\nomit = ["packages/tta-api/*"]\n',
        "pyproject.toml",
        "coverage `run.omit` narrows the measured files",
    ),
    (
        "coverage-report-include",
        "pyproject.toml",
        "show_missing = true\n",
        'show_missing = true\ninclude = ["tooling/*"]\n',
        "pyproject.toml",
        "coverage `report.include`",
    ),
    (
        "coverage-exclude-everything",
        "pyproject.toml",
        'exclude_also = ["if TYPE_CHECKING:"',
        'exclude_also = [".*", "if TYPE_CHECKING:"',
        "pyproject.toml",
        "pattern '.*' matches ordinary code",
    ),
    # A redundant workflow still may not pretend to gate: its jobs, triggers and files
    (
        "job-skipped-on-pull-requests",
        QUALITY,
        QUALITY_RUNNER,
        QUALITY_RUNNER + "    if: github.event_name != 'pull_request'\n",
        QUALITY,
        "runs default sessions (ci-config, efficiency, format, lint, mcp, paf, typecheck) but "
        "is skipped on pull requests",
    ),
    (
        "job-draft-and-push",
        QUALITY,
        QUALITY_RUNNER,
        QUALITY_RUNNER
        + "    if: github.event_name == 'push' && !github.event.pull_request.draft\n",
        QUALITY,
        "but is skipped on pull requests",
    ),
    (
        "needs-a-push-only-job",
        QUALITY,
        "jobs:\n  quality:\n",
        "jobs:\n  gate:\n    if: github.event_name == 'push'\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo push\n  quality:\n    needs: gate\n",
        QUALITY,
        "but is skipped on pull requests",
    ),
    (
        "branches-ignore-glob",
        QUALITY,
        PR_TRIGGER,
        PR_TRIGGER + "    branches-ignore: ['m*n']\n",
        QUALITY,
        "branches or types leave out pull requests to main",
    ),
    (
        "branches-negated-in-a-redundant-workflow",
        QUALITY,
        PR_TRIGGER,
        PR_TRIGGER + "    branches: ['**', '!ma*']\n",
        QUALITY,
        "branches or types leave out pull requests to main",
    ),
    (
        "types-closed",
        QUALITY,
        PR_TRIGGER,
        PR_TRIGGER + "    types: [closed, labeled]\n",
        QUALITY,
        "branches or types leave out pull requests to main",
    ),
    (
        "pull-request-target",
        QUALITY,
        "  pull_request:\n",
        "  pull_request_target:\n",
        QUALITY,
        "on `pull_request_target`",
    ),
    (
        "paths-ignore-everything",
        QUALITY,
        PR_TRIGGER,
        PR_TRIGGER + "    paths-ignore: ['**']\n",
        QUALITY,
        "paths-ignore skips a pull request that changes only noxfile.py",
    ),
    (
        "paths-ignore-python",
        QUALITY,
        PR_TRIGGER,
        PR_TRIGGER + "    paths-ignore: ['**/*.py']\n",
        QUALITY,
        "paths-ignore skips a pull request that changes only packages/",
    ),
    (
        "paths-ignore-a-room",
        CI,
        "  pull_request:\n",
        "  pull_request:\n    paths-ignore: ['tooling/**']\n",
        CI,
        "paths-ignore skips a pull request that changes only tooling/",
    ),
    (
        "workflow-other-extension",
        ".github/workflows/gates.yml.disabled",
        None,
        _QUALITY_TEXT,
        ".github/workflows/gates.yml.disabled",
        "GitHub runs only the .yml / .yaml files directly in .github/workflows",
    ),
    (
        "workflow-in-a-subfolder",
        ".github/workflows/gates/quality.yml",
        None,
        _QUALITY_TEXT,
        ".github/workflows/gates/quality.yml",
        "this one never runs",
    ),
    (
        "workflow-json-extension",
        ".github/workflows/gates.json",
        None,
        '{"on": "pull_request",\n"jobs":\n{}}\n'.replace('"jobs":', "jobs:"),
        ".github/workflows/gates.json",
        "this one never runs",
    ),
]

HARMLESS = [
    ("workflow-name", QUALITY, "name: Quality Checks\n", "name: Static quality gates\n"),
    (
        "push-branches",
        CI,
        "    branches: [main]\n  pull_request:\n",
        "    branches: [main, 'release/**']\n  pull_request:\n",
    ),
    ("pull-request-branches", CI, "  pull_request:\n", "  pull_request:\n    branches: [main]\n"),
    (
        "pull-request-glob",
        CI,
        "  pull_request:\n",
        "  pull_request:\n    branches: ['**', '!gh-pages']\n",
    ),
    (
        "pull-request-types",
        CI,
        "  pull_request:\n",
        "  pull_request:\n    types: [opened, synchronize, reopened, ready_for_review]\n",
    ),
    (
        "branches-ignore-other",
        CI,
        "  pull_request:\n",
        "  pull_request:\n    branches-ignore: ['dependabot/**']\n",
    ),
    (
        "concurrency",
        QUALITY,
        "  cancel-in-progress: ${{ github.ref != 'refs/heads/main' }}\n",
        "  cancel-in-progress: true\n",
    ),
    ("timeout", QUALITY, "    timeout-minutes: 20\n", "    timeout-minutes: 25\n"),
    (
        "step-summary",
        QUALITY,
        STATIC,
        STATIC
        + "      - name: Summary\n        if: always()\n"
        + '        run: echo "## gates done" >> "$GITHUB_STEP_SUMMARY"\n',
    ),
    (
        "double-bracket",
        QUALITY,
        STATIC,
        _static(
            f'if [[ "$RUNNER_OS" == "Linux" && -n "${{CI:-}}" ]]; then echo linux; fi\n'
            f"{NOX} -t quality"
        ),
    ),
    (
        "pythonunbuffered",
        QUALITY,
        "permissions:\n",
        "env:\n  PYTHONUNBUFFERED: '1'\n  FORCE_COLOR: '1'\n\npermissions:\n",
    ),
    (
        "workspace-dir",
        QUALITY,
        STATIC,
        _static(f"{NOX} -t quality", "working-directory: ${{ github.workspace }}"),
    ),
    (
        "setup-uv-cache",
        QUALITY,
        "# v6.4.3\n",
        "# v6.4.3\n        with:\n          enable-cache: true\n"
        "          cache-dependency-glob: uv.lock\n",
    ),
    (
        "cache-uv-folder",
        QUALITY,
        STATIC,
        _step_before_static(
            "- uses: actions/cache@0400d5f644dc74513175e3cd8d07132dd4860809 # v4.2.4\n"
            "  with:\n    path: ~/.cache/uv\n"
            "    key: uv-${{ runner.os }}-${{ hashFiles('uv.lock') }}"
        ),
    ),
    (
        "github-env-force-color",
        QUALITY,
        STATIC,
        _static(f'echo "FORCE_COLOR=1" >> "$GITHUB_ENV"\n{NOX} -t quality'),
    ),
    ("job-not-on-schedule", CI, LINUX_JOB, LINUX_JOB + "    if: github.event_name != 'schedule'\n"),
    (
        "step-linux-only",
        CI,
        RUN_LINUX,
        RUN_LINUX.replace("env:\n", "if: runner.os == 'Linux'\n        env:\n"),
    ),
    (
        "step-not-cancelled",
        CI,
        RUN_LINUX,
        RUN_LINUX.replace("env:\n", "if: ${{ !cancelled() }}\n        env:\n"),
    ),
    (
        "windows-job",
        QUALITY,
        "jobs:\n",
        "jobs:\n  windows-lint:\n    runs-on: windows-latest\n    steps:\n"
        f"      - uses: actions/checkout@{'c' * 40} # v5\n"
        "        with:\n          persist-credentials: false\n"
        f"      - uses: astral-sh/setup-uv@{'d' * 40} # v6\n      - run: {NOX} -s lint\n",
    ),
    ("codecov-strict", CI, CODECOV_FAIL, "          fail_ci_if_error: true\n"),
    ("dependency-review-low", SECURITY, "fail-on-severity: moderate", "fail-on-severity: low"),
    (
        "settings-color",
        SETTINGS,
        None,
        "{\n  // colours in task terminals\n"
        '  "terminal.integrated.env.linux": {"FORCE_COLOR": "1"},\n'
        '  "editor.rulers": [100]\n}\n',
    ),
    (
        "xdist-addopts",
        "pyproject.toml",
        ADDOPTS,
        ADDOPTS + '    "-n",\n    "auto",\n    "--dist=loadgroup",\n',
    ),
    (
        "warning-ignored-narrowly",
        "pyproject.toml",
        'filterwarnings = ["error"]',
        'filterwarnings = [\n    "error",\n    "ignore:unclosed transport:ResourceWarning",\n]',
    ),
    (
        "warning-module-ignored",
        "pyproject.toml",
        'filterwarnings = ["error"]',
        'filterwarnings = ["error", "ignore::DeprecationWarning:pkg_resources"]',
    ),
    (
        "xfail-strict-spaced",
        "pyproject.toml",
        "xfail_strict = true",
        "xfail_strict   =   true",
    ),
    (
        "conftest-adds-marker",
        "tests/conftest.py",
        None,
        "import pytest\n\n\ndef pytest_collection_modifyitems(config, items):\n"
        "    for item in items:\n        item.add_marker(pytest.mark.integration)\n",
    ),
    (
        "ci-run-echo",
        ".ci/run",
        "tests_end=$SECONDS\n",
        'tests_end=$SECONDS\nif [[ -n "${CI:-}" ]]; then\n'
        '    echo "ci: tests took $((tests_end - tests_start)) s"\nfi\n',
    ),
    ("comment", CI, "name: CI\n", "# the pull request gate\nname: CI\n"),
    (
        "ruff-excludes-test-data",
        "pyproject.toml",
        'extend-exclude = [".nox", "tests/unit/tooling/efficiency/corpus"]',
        'extend-exclude = [".nox", "tests/unit/tooling/efficiency/corpus", "tests/x/fixtures"]',
    ),
    (
        "nox-parallel-options",
        QUALITY,
        STATIC,
        _static(f"{NOX} --parallel -j 2 -t quality\n{NOX} --jobs=auto -s lint"),
    ),
    (
        "logs-on-failure",
        QUALITY,
        STATIC,
        STATIC
        + "      - name: Keep the logs\n        if: failure()\n"
        + f"        uses: actions/upload-artifact@{'e' * 40} # v4\n"
        + "        with:\n          name: logs\n          path: .nox/reports\n",
    ),
    (
        "versions-and-runner",
        QUALITY,
        STATIC,
        _static(
            f'echo "on ${{{{ runner.os }}}} at ${{{{ github.sha }}}}"\n{NOX} --version\n'
            f"{NOX} -t quality"
        ),
    ),
    (
        "redundant-workflow-paths-ignore-markdown",
        QUALITY,
        PR_TRIGGER,
        PR_TRIGGER + "    paths-ignore: ['**.md', 'docs/**']\n",
    ),
    (
        "pull-request-types-with-synchronize",
        QUALITY,
        PR_TRIGGER,
        PR_TRIGGER + "    types: [opened, synchronize, reopened, ready_for_review]\n",
    ),
    ("workflow-readme", ".github/workflows/README.md", None, "# The workflows\n\nThin.\n"),
    (
        "coverage-exclude-main-block",
        "pyproject.toml",
        'exclude_also = ["if TYPE_CHECKING:"',
        'exclude_also = ["if __name__ == .__main__.:", "if TYPE_CHECKING:"',
    ),
    (
        "ruff-ignore-in-tests",
        "pyproject.toml",
        '"tests/**" = [',
        '"tests/performance/**" = ["PLR0912"]\n"tests/**" = [',
    ),
    (
        "vscode-pytest-verbose",
        SETTINGS,
        None,
        '{\n  "python.testing.pytestEnabled": true,\n'
        '  "python.testing.pytestArgs": ["tests", "-v"]\n}\n',
    ),
    (
        "ci-run-loop-function-arithmetic-array",
        ".ci/run",
        "tests_start=$SECONDS\n",
        'tools=(redis-server prometheus)\nsay() {\n    echo "ci: $*"\n}\n'
        'for tool in "${tools[@]}"; do\n    command -v "$tool" >/dev/null || say "no $tool"\n'
        'done\nsay "$((${#tools[@]} + 0)) tools checked"\ntests_start=$SECONDS\n',
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
    plant(ci_copy, file, old, new)
    assert_finding_at(run_tooling("check-gates", "--root", ci_copy), where, expected)


@pytest.mark.parametrize(
    ("file", "old", "new"), [pytest.param(*case[1:], id=case[0]) for case in HARMLESS]
)
def test_harmless_edit_is_accepted(
    ci_copy: Path, run_tooling: RunTooling, file: str, old: str | None, new: str
) -> None:
    plant(ci_copy, file, old, new)
    done = run_tooling("check-gates", "--root", ci_copy)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout + done.stderr


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_default_list_shrunk_in_the_noxfile(ci_copy: Path, run_tooling: RunTooling) -> None:
    """`nox.options.sessions` narrows plain `nox` and what nox lists as default."""
    plant(
        ci_copy,
        "noxfile.py",
        'nox.options.reuse_venv = "yes"\n',
        'nox.options.reuse_venv = "yes"\nnox.options.sessions = ["lint", "tests"]\n',
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    lines = (ci_copy / "noxfile.py").read_text(encoding="utf-8").splitlines()
    line = lines.index('nox.options.sessions = ["lint", "tests"]') + 1
    assert f"noxfile.py:{line}: [nox.options] `nox.options.sessions` narrows plain" in done.stdout


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_opt_in_selftest_session_run_by_a_workflow_is_accepted(
    ci_copy: Path, run_tooling: RunTooling
) -> None:
    """The lead's pattern: a non-default session for self-test rows, run with xdist options."""
    plant(
        ci_copy,
        "noxfile.py",
        'if __name__ == "__main__":',
        '@nox.session(python=DEFAULT_PYTHON, default=False, tags=["selftest"])\n'
        "def selftest(session: nox.Session) -> None:\n"
        '    """Gate self-test rows of non-default gates."""\n'
        '    install(session, "test")\n'
        '    session.run("pytest", "-n", "auto", "--dist", "loadgroup", "tests/integration")\n\n\n'
        'if __name__ == "__main__":',
    )
    plant(ci_copy, QUALITY, STATIC, STATIC + f"      - run: {NOX} -s selftest\n")
    done = run_tooling("check-gates", "--root", ci_copy)
    assert (done.returncode, done.stdout) == (0, ""), done.stdout
