"""Attempts to get a red change past the gates, each planted in a copy of the real
CI files and run through ``tta-tooling check-gates``; and the harmless forms it accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tta_tooling.gates.gate_drift import check_gates
from tta_tooling.reporting import render

from ....common.repository_files import copy_files, plant
from ..conftest import RunTooling
from .conftest import GATE_FILES, LoadCatalog
from .pinned import NOX, NOX_VERSION

QUALITY = ".github/workflows/quality-check.yml"
STATIC_GATES = f"      - name: Static gates\n        run: {NOX} -t quality\n"
WHERE = "[jobs.quality.steps[3] 'Static gates']"


def _step(script: str, extra: str = "") -> str:
    """The 'Static gates' step of quality-check.yml, with ``script`` and extra keys."""
    body = "".join(f"          {line}\n" for line in script.splitlines())
    keys = "".join(f"        {line}\n" for line in extra.splitlines())
    return f"      - name: Static gates\n{keys}        run: |\n{body}"


def _noxfile_line(root: Path, text: str) -> int:
    lines = (root / "noxfile.py").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# (id, the step replacing 'Static gates', the expected finding)
STEP_BYPASSES = [
    ("or-true", _step(f"{NOX} -t quality || true"), "is followed by `||`"),
    ("set-plus-e", _step(f"set +e\n{NOX} -t quality\ntrue"), "turns off exit-on-error"),
    ("set-plus-o", _step(f"set +o errexit\n{NOX} -t quality"), "turns off exit-on-error"),
    (
        "continue-on-error",
        _step(f"{NOX} -t quality", "continue-on-error: true"),
        "`continue-on-error` on a step",
    ),
    (
        "format-rewrites",
        _step(f"{NOX} -t quality\n{NOX} -s format -- ."),
        "passes '.' to session 'format'",
    ),
    (
        "lint-exit-zero",
        _step(f"{NOX} -t quality\n{NOX} -s lint -- --exit-zero ."),
        "passes '--exit-zero' to session 'lint'",
    ),
    ("if-false", _step(f"{NOX} -t quality", "if: false"), "is never true"),
    ("if-expression-false", _step(f"{NOX} -t quality", "if: ${{ false }}"), "is never true"),
    ("if-failure", _step(f"{NOX} -t quality", "if: failure()"), "is never true"),
    ("custom-shell", _step(f"{NOX} -t quality", "shell: python {0}"), "is a custom shell"),
    (
        "bash-with-flags",
        _step(f"{NOX} -t quality", "shell: bash --noprofile {0}"),
        "is a custom shell",
    ),
    ("noxfile", _step(f"{NOX} --noxfile other.py -t quality"), "runs another noxfile"),
    ("keywords", _step(f"{NOX} -t quality -k 'not lint'"), "selects sessions by keyword"),
    ("s-with-t", _step(f"{NOX} -s lint -t quality"), "nox ignores -s when -t is given"),
    ("unknown-tag", _step(f"{NOX} -t nosuchtag"), "names tag 'nosuchtag'"),
    ("empty-s", _step(f"{NOX} -t quality\n{NOX} -s"), "-s is given no session"),
    ("unpinned", _step("uvx nox -t quality"), "runs an unpinned nox"),
    ("drifted-pin", _step("uvx nox@2025.2.9 -t quality"), "pins nox 2025.2.9"),
    ("python-m-nox", _step("python -m nox -t quality"), "runs an unpinned nox"),
    ("pipeline", _step(f"{NOX} -t quality | tee log.txt"), "part of a pipeline"),
    ("negated", _step(f"! {NOX} -t quality"), "is negated with `!`"),
    ("background", _step(f"{NOX} -t quality &"), "runs in the background"),
    ("if-condition", _step(f"if {NOX} -t quality; then echo ok; fi"), "is an `if` condition"),
    ("and-then-true", _step(f"{NOX} -t quality && echo done\ntrue"), "is followed by `&&`"),
    ("after-or", _step(f"true || {NOX} -t quality"), "runs only when the command before"),
    ("substitution", _step(f'echo "$({NOX} -t quality)"'), "runs inside `$(...)`"),
    ("cd", _step(f"cd sub\n{NOX} -t quality"), "changes directory"),
    (
        "working-directory",
        _step(f"{NOX} -t quality", "working-directory: sub"),
        "nox would read another noxfile",
    ),
    (
        "pytest-addopts",
        _step(f"{NOX} -t quality", "env:\n  PYTEST_ADDOPTS: --collect-only"),
        "sets PYTEST_ADDOPTS",
    ),
    ("prefix-noxsession", _step(f"NOXSESSION=lint {NOX}"), "sets NOXSESSION"),
    ("export-bash-env", _step(f"export BASH_ENV=./evil.sh\n{NOX} -t quality"), "sets BASH_ENV"),
    (
        "github-path",
        _step(f'echo "$PWD/fakebin" >> "$GITHUB_PATH"\n{NOX} -t quality'),
        "adds to $GITHUB_PATH",
    ),
    (
        "github-env",
        _step(f'echo "NOXSESSION=lint" >> "$GITHUB_ENV"\n{NOX} -t quality'),
        "sets NOXSESSION",
    ),
    ("function", _step(f"uvx() {{ true; }}\n{NOX} -t quality"), "`function` is outside"),
    ("loop", _step(f"for i in 1; do {NOX} -t quality; done"), "outside the supported shell"),
    ("exit-first", _step(f"exit 0\n{NOX} -t quality"), "runs `exit 0` directly"),
    ("timeout-wrapper", _step(f"timeout 1 {NOX} -t quality"), "runs `timeout 1 uvx nox@"),
    ("install-only", _step(f"{NOX} --install-only -t quality"), "nox option `--install-only`"),
    ("no-venv", _step(f"{NOX} --no-venv -t quality"), "nox option `--no-venv`"),
    ("direct-pytest", _step("pytest tests"), "runs `pytest tests` directly"),
    (
        "third-party-runner",
        f"      - name: Static gates\n        uses: someone/run-tests@{'a' * 40} # v1\n",
        "uses someone/run-tests@",
    ),
    ("open-quote", _step(f"{NOX} -t 'quality"), "cannot parse the script as shell"),
    (
        "uv-sync-unlocked",
        _step(f"uv sync --all-groups\n{NOX} -t quality"),
        "`uv sync --all-groups` installs without the lock: `uv sync` needs `--locked`",
    ),
    (
        "pip-requirements",
        _step(f"pip install -r requirements.txt\n{NOX} -t quality"),
        "`pip install -r requirements.txt` installs without the lock",
    ),
    (
        "pip-editable",
        _step(f"python -m pip install -e .\n{NOX} -t quality"),
        "`python -m pip install -e .` installs without the lock",
    ),
    (
        "pip-uv-and-more",
        _step(f"pip install uv==0.8.0 httpx\n{NOX} -t quality"),
        "`pip install uv==0.8.0 httpx` installs without the lock",
    ),
    ("uv-pip-sync", _step(f"uv pip sync req.txt\n{NOX} -t quality"), "instead of `uv pip sync`"),
]


def _all_steps_planted(root: Path, steps: list[tuple[str, str]], load: LoadCatalog) -> str:
    """Replace 'Static gates' with one step per case, each named by its id; run check-gates."""
    named = "".join(step.replace("- name: Static gates", f"- name: {i}", 1) for i, step in steps)
    plant(root / QUALITY, STATIC_GATES, named)
    findings = check_gates(root, load(root / "noxfile.py"))
    return f"exit {int(bool(findings))}\n" + "".join(
        f"{line}\n" for line in render(findings, "text", github=False).splitlines()
    )


@pytest.fixture(scope="module")
def bypass_output(tmp_path_factory: pytest.TempPathFactory, shared_catalog: LoadCatalog) -> str:
    """check-gates on quality-check.yml holding every step bypass, one step each (run once)."""
    root = copy_files(GATE_FILES, tmp_path_factory.mktemp("bypasses"))
    return _all_steps_planted(root, [(i, s) for i, s, _ in STEP_BYPASSES], shared_catalog)


@pytest.mark.parametrize(
    ("case", "expected"), [pytest.param(i, e, id=i) for i, _, e in STEP_BYPASSES]
)
def test_step_bypass_is_a_finding(bypass_output: str, case: str, expected: str) -> None:
    assert bypass_output.startswith("exit 1\n")
    lines = [
        line for line in bypass_output.splitlines() if f" '{case}'] " in line and expected in line
    ]
    assert lines, bypass_output
    assert lines[0].startswith(f"{QUALITY}:"), lines[0]
    assert lines[0].split(":")[1].isdigit(), lines[0]


def test_job_condition_that_is_never_true(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        ci_copy / QUALITY,
        "    runs-on: ubuntu-latest\n",
        "    runs-on: ubuntu-latest\n    if: github.event_name == 'release'\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert f"{QUALITY}:19: [jobs.quality] `if: github.event_name == 'release'` is never true" in (
        done.stdout
    )


def test_job_continue_on_error(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        ci_copy / QUALITY,
        "    runs-on: ubuntu-latest\n",
        "    runs-on: ubuntu-latest\n    continue-on-error: ${{ github.event_name == 'push' }}\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert "[jobs.quality] `continue-on-error` on a job that runs nox" in done.stdout


def test_gate_hidden_in_a_local_composite_action(ci_copy: Path, run_tooling: RunTooling) -> None:
    _write(
        ci_copy / ".github/actions/gates/action.yml",
        "name: gates\ndescription: run the gates\nruns:\n  using: composite\n  steps:\n"
        f"    - shell: bash\n      run: {NOX} -t quality || true\n",
    )
    plant(
        ci_copy / QUALITY,
        STATIC_GATES,
        "      - name: Static gates\n        uses: ./.github/actions/gates\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert ".github/actions/gates/action.yml:6: [runs.steps[0]]" in done.stdout
    assert "is followed by `||`" in done.stdout


def test_gate_in_a_reusable_workflow_is_followed(ci_copy: Path, run_tooling: RunTooling) -> None:
    _write(
        ci_copy / ".github/workflows/reusable-gates.yml",
        "name: gates\non:\n  workflow_call:\n    inputs:\n      tag:\n        type: string\n"
        "permissions: {}\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - env:\n          TAG: ${{ inputs.tag }}\n"
        f'        run: {NOX} -t "$TAG" -- --exit-zero\n',
    )
    plant(
        ci_copy / QUALITY,
        "  quality:\n",
        "  called:\n    uses: ./.github/workflows/reusable-gates.yml\n    with:\n"
        "      tag: quality\n  quality:\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert "reusable-gates.yml:12: [jobs.run.steps[0]]" in done.stdout
    assert "passes '--exit-zero' to session 'lint'" in done.stdout


def test_remote_reusable_workflow(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        ci_copy / QUALITY,
        "  quality:\n",
        f"  remote:\n    uses: someone/ci/.github/workflows/tests.yml@{'b' * 40}\n  quality:\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert "[jobs.remote] calls someone/ci/.github/workflows/tests.yml@" in done.stdout


def test_hard_coded_matrix_omitting_a_default_session(
    ci_copy: Path, run_tooling: RunTooling
) -> None:
    plant(
        ci_copy / ".github/workflows/ci.yml",
        "        session: ${{ fromJSON(needs.sessions.outputs.linux) }}\n",
        "        session: [{session: ci-config}]\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    for session in ("integration", "observability", "benchmarks"):
        line = _noxfile_line(ci_copy, f"def {session}(")
        assert f"noxfile.py:{line}: default session '{session}' is run by no workflow" in (
            done.stdout
        )
    assert "'ci-config'" not in done.stdout  # quality-check.yml and the matrix still run it


def test_matrix_exclude_is_applied(ci_copy: Path, run_tooling: RunTooling) -> None:
    """An `exclude` entry removes every combination it matches, here all of Linux."""
    plant(
        ci_copy / ".github/workflows/ci.yml",
        "        os: [ubuntu-latest, macos-latest, windows-latest]\n",
        "        os: [ubuntu-latest, macos-latest, windows-latest]\n"
        "        exclude:\n          - os: ubuntu-latest\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert "[jobs.portable] portable session 'tests-3.11' is run on pull requests by no " in (
        done.stdout
    )
    assert "workflow on Linux" in done.stdout


def test_workflow_that_never_runs_on_a_pull_request(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        ci_copy / ".github/workflows/ci.yml",
        "on:\n  push:\n    branches: [main]\n  pull_request:\n",
        "on:\n  workflow_dispatch:\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert (
        "default session 'integration' is run by no workflow on every pull request" in done.stdout
    )


@pytest.mark.parametrize(
    "trigger",
    [
        "  pull_request:\n    paths: [docs/**]\n",
        "  pull_request:\n    branches: [release]\n",
        "  pull_request:\n    types: [closed]\n",
    ],
    ids=["paths", "branches", "types"],
)
def test_workflow_filtered_away_from_pull_requests(
    ci_copy: Path, run_tooling: RunTooling, trigger: str
) -> None:
    plant(ci_copy / ".github/workflows/ci.yml", "  pull_request:\n", trigger)
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert "default session 'integration' is run by no workflow on every pull request" in (
        done.stdout
    )


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_non_default_session_that_no_workflow_runs(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        ci_copy / "noxfile.py",
        'if __name__ == "__main__":',
        "@nox.session(python=False, default=False)\n"
        "def optin(session: nox.Session) -> None:\n"
        '    """An opt-in gate."""\n\n\nif __name__ == "__main__":',
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1, done.stdout
    line = _noxfile_line(ci_copy, "def optin(")
    assert f"noxfile.py:{line}: session 'optin' is run by no workflow" in done.stdout
    assert "'optin' has no VS Code task" not in done.stdout


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        pytest.param(
            ".ci/run",
            f"nox@{NOX_VERSION} -s tests",
            "nox@2025.2.9 -s tests",
            ".ci/run:{line}: `uv tool run --system-certs nox@2025.2.9` runs nox 2025.2.9",
            id="ci-run-pin",
        ),
        pytest.param(
            "README.md",
            f"uvx nox@{NOX_VERSION} -s tests`",
            "uvx nox -s tests`",
            "README.md:{line}: `uvx nox` runs an unpinned nox",
            id="readme-pin",
        ),
        pytest.param(
            ".vscode/tasks.json",
            f'"{NOX} -s lint"',
            '"uvx nox@2025.2.9 -s lint"',
            ".vscode/tasks.json:7: [task 'nox: lint'] `uvx nox@2025.2.9 -s lint` pins nox 2025.2.9",
            id="task-pin",
        ),
        pytest.param(
            ".vscode/tasks.json",
            f'"command": "{NOX} -s format",',
            f'"command": "{NOX} -s format",\n      "linux": {{"command": "true"}},',
            "[task 'nox: format'.linux] runs `true`: a VS Code task must run `nox -s <session>`",
            id="task-linux-override",
        ),
        pytest.param(
            ".vscode/tasks.json",
            f'"command": "{NOX} -s format",',
            f'"command": "{NOX} -s format",\n'
            f'      "windows": {{"command": "{NOX} -s format -- ."}},',
            "[task 'nox: format'.windows] `uvx nox@",
            id="task-windows-override-posargs",
        ),
        pytest.param(
            ".vscode/tasks.json",
            f'"command": "{NOX} -s format",',
            f'"command": "{NOX} -s format",\n      "dependsOn": ["nox: nope"],',
            "[task 'nox: format'] dependsOn 'nox: nope', which is no task's label",
            id="task-depends-on-missing",
        ),
        pytest.param(
            ".vscode/tasks.json",
            f'"command": "{NOX} -s format",',
            f'"command": "{NOX} -s format",\n      "dependsOn": "nox: format",',
            "[task 'nox: format'] dependsOn chain leads back to the task itself",
            id="task-depends-on-cycle",
        ),
        pytest.param(
            ".vscode/tasks.json",
            f'"command": "{NOX} -s format",',
            f'"command": "{NOX} -s format",\n'
            '      "options": {"cwd": "${workspaceFolder}/sub"},',
            "`options.cwd: ${workspaceFolder}/sub`: nox would read another noxfile",
            id="task-cwd",
        ),
        pytest.param(
            ".vscode/tasks.json",
            f'"command": "{NOX} -s format",',
            f'"command": "{NOX} -s format",\n'
            '      "options": {"env": {"NOX_DEFAULT_SESSIONS": "x"}},',
            "sets NOX_DEFAULT_SESSIONS",
            id="task-env",
        ),
        pytest.param(
            ".vscode/tasks.json",
            f'"command": "{NOX} -s format",',
            f'"command": "uv sync && {NOX} -s format",',
            "[task 'nox: format'] `uv sync` installs without the lock",
            id="task-uv-sync-unlocked",
        ),
    ],
)
def test_pin_and_task_bypasses(
    ci_copy: Path, run_tooling: RunTooling, file: str, old: str, new: str, expected: str
) -> None:
    plant(ci_copy / file, old, new)
    lines = (ci_copy / file).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if new.splitlines()[0] in text)
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert expected.replace("{line}", str(line)) in done.stdout, done.stdout


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "set -euo pipefail\n",
            "set -uo pipefail\n",
            "must run under `set -euo pipefail`",
            id="not-strict",
        ),
        pytest.param(
            "    apt-get update -qq\n",
            "    apt-get update -qq || true\n",
            "`true` can hide a failing gate: it swallows the failure of the command before `||`",
            id="or-true",
        ),
        pytest.param(
            'cd "$(dirname "$0")/.."\n',
            'cd "$(dirname "$0")/.."\nset +e\n',
            "`set +e` can hide a failing gate",
            id="set-plus-e",
        ),
        pytest.param(
            f"&& .nox/uv/bin/uv tool run --system-certs nox@{NOX_VERSION} -s tests\n",
            f"&& .nox/uv/bin/uv tool run --system-certs nox@{NOX_VERSION} -s tests-3.11\n",
            "does not run the README's test command",
            id="not-the-readme-command",
        ),
    ],
)
def test_ci_entry_point_bypasses(
    ci_copy: Path, run_tooling: RunTooling, old: str, new: str, expected: str
) -> None:
    plant(ci_copy / ".ci/run", old, new)
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert [line for line in done.stdout.splitlines() if line.startswith(".ci/run")], done.stdout
    assert expected in done.stdout, done.stdout


HARMLESS_STEPS = [
    ("force-color", _step(f"FORCE_COLOR=1 {NOX} -t quality")),
    ("if-then-fi", _step(f'if [ -n "${{GITHUB_ACTIONS:-}}" ]; then\n  {NOX} -t quality\nfi')),
    (
        "github-output-braces",
        _step(f'echo "tags=quality" >> "${{GITHUB_OUTPUT}}"\n{NOX} -t quality'),
    ),
    ("group-markers", _step(f'echo "::group::gates"\n{NOX} -t quality\necho "::endgroup::"')),
    ("step-summary", _step(f"printf '## gates\\n' >> \"$GITHUB_STEP_SUMMARY\"\n{NOX} -t quality")),
    ("github-env", _step(f'echo "FORCE_COLOR=1" >> "$GITHUB_ENV"\n{NOX} -t quality')),
    ("strict-mode", _step(f"set -euo pipefail\n{NOX} -t quality")),
    ("stderr-to-stdout", _step(f"{NOX} -t quality 2>&1")),
    (
        "harmless-options",
        _step(f"{NOX} --forcecolor -R --error-on-missing-interpreters -t quality"),
    ),
    ("continuation-and-comment", _step(f"# the static gates\n{NOX} \\\n  -t quality")),
    ("uv-run-locked", _step("uv run --locked nox -t quality")),
    ("from-spec", _step(f"uvx --from nox=={NOX_VERSION} nox -t quality")),
    ("allowed-posargs", _step(f"{NOX} -t quality\n{NOX} -s lint -- --statistics")),
    ("explicit-bash", _step(f"{NOX} -t quality", "shell: bash")),
    (
        "event-condition",
        _step(
            f"{NOX} -t quality",
            "if: github.event_name == 'push' || github.event_name == 'pull_request'",
        ),
    ),
    ("apt-get", _step(f"sudo apt-get install -y redis-server\n{NOX} -t quality")),
    ("uv-sync-locked", _step(f"uv sync --locked --all-groups\n{NOX} -t quality")),
    ("uv-sync-frozen", _step(f"uv sync --frozen\n{NOX} -t quality")),
    ("pip-install-uv", _step(f"pip install --upgrade uv==0.8.0\n{NOX} -t quality")),
    (
        "literal-env-session",
        _step(
            f'{NOX} -s "$GATE"\n{NOX} -t quality',
            "env:\n  GATE: lint",
        ),
    ),
]


@pytest.fixture(scope="module")
def harmless_output(tmp_path_factory: pytest.TempPathFactory, shared_catalog: LoadCatalog) -> str:
    """check-gates on quality-check.yml holding every harmless form, one step each (run once)."""
    root = copy_files(GATE_FILES, tmp_path_factory.mktemp("harmless"))
    return _all_steps_planted(root, HARMLESS_STEPS, shared_catalog)


@pytest.mark.parametrize("case", [pytest.param(i, id=i) for i, _ in HARMLESS_STEPS])
def test_harmless_form_passes(harmless_output: str, case: str) -> None:
    assert [line for line in harmless_output.splitlines() if f" '{case}'] " in line] == []
    assert harmless_output == "exit 0\n"


def test_thin_session_workflow_passes(ci_copy: Path, run_tooling: RunTooling) -> None:
    """A plain workflow running one session, the form new gates add, is accepted."""
    _write(
        ci_copy / ".github/workflows/lint-only.yml",
        "name: Lint\non:\n  pull_request:\npermissions:\n  contents: read\njobs:\n  lint:\n"
        "    runs-on: ubuntu-latest\n    steps:\n"
        f"      - uses: actions/checkout@{'c' * 40} # v5\n"
        f"      - uses: astral-sh/setup-uv@{'d' * 40} # v6\n"
        f"      - run: {NOX} -s lint\n",
    )
    done = run_tooling("check-gates", "--root", ci_copy, "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []
