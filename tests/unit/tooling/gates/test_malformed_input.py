"""Malformed or missing input never gives a traceback or a silent pass.

Every case goes through every command that reads the file: the answer is exit 2
with one line on stderr naming the file and the field, or exit 1 with a finding
naming the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from ..conftest import RunTooling

Plant = Callable[[Path], None]
QUALITY = ".github/workflows/quality-check.yml"
CI = ".github/workflows/ci.yml"
TASKS = ".vscode/tasks.json"


def _write(name: str, content: str | bytes) -> Plant:
    def plant(root: Path) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return plant


def _delete(name: str) -> Plant:
    return lambda root: (root / name).unlink()


def _replace(name: str, old: str, new: str) -> Plant:
    def plant(root: Path) -> None:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return plant


def _both(*plants: Plant) -> Plant:
    def plant(root: Path) -> None:
        for each in plants:
            each(root)

    return plant


_JOBS = "jobs:\n  quality:\n"
# (id, plant, file named in the answer, exit code, text in the answer)
CI_CASES: list[tuple[str, Plant, str, int, str]] = [
    (
        "jobs-is-a-number",
        _replace(QUALITY, _JOBS, "jobs: 5\nunused:\n  quality:\n"),
        QUALITY,
        1,
        "field 'jobs' must be a mapping",
    ),
    ("workflow-empty", _write(QUALITY, ""), QUALITY, 1, "a workflow must be a mapping"),
    (
        "workflow-a-list",
        _write(QUALITY, "- on\n- jobs\n"),
        QUALITY,
        1,
        "a workflow must be a mapping",
    ),
    (
        "workflow-not-utf8",
        _write(QUALITY, b"name: \xff\xfe\njobs: {}\n"),
        QUALITY,
        2,
        "not UTF-8 text",
    ),
    ("workflow-bad-yaml", _write(QUALITY, "jobs:\n  a: [\n"), QUALITY, 2, "invalid YAML"),
    (
        "job-is-a-string",
        _replace(QUALITY, _JOBS, "jobs:\n  other: oops\n  quality:\n"),
        QUALITY,
        1,
        "a job must be a mapping",
    ),
    (
        "steps-is-a-number",
        _replace(QUALITY, "    steps:\n", "    steps: 5\n    unused:\n"),
        QUALITY,
        1,
        "field 'steps' must be a list",
    ),
    (
        "step-is-a-string",
        _replace(QUALITY, "    steps:\n", "    steps:\n      - oops\n"),
        QUALITY,
        1,
        "steps[0] must be a mapping",
    ),
    (
        "run-is-a-list",
        _replace(QUALITY, "run: uv python install 3.11", "run: [uv, python]"),
        QUALITY,
        1,
        "field 'run' must be a string",
    ),
    (
        "env-is-a-list",
        _replace(
            QUALITY, "    runs-on: ubuntu-latest\n", "    runs-on: ubuntu-latest\n    env: [A]\n"
        ),
        QUALITY,
        1,
        "field 'env' must be a mapping",
    ),
    (
        "matrix-is-a-number",
        _replace(
            CI,
            "      matrix:\n        session: ${{ fromJSON(needs.sessions.outputs.linux) }}\n",
            "      matrix: 5\n",
        ),
        CI,
        1,
        "cannot tell which",
    ),
    (
        "local-action-missing",
        _replace(
            QUALITY,
            "      - name: Static gates\n",
            "      - uses: ./.github/actions/none\n      - name: Static gates\n",
        ),
        QUALITY,
        1,
        "action.yml does not exist",
    ),
    (
        "local-action-runs-a-number",
        _both(
            _write(".github/actions/odd/action.yml", "name: odd\nruns: 5\n"),
            _replace(
                QUALITY,
                "      - name: Static gates\n",
                "      - uses: ./.github/actions/odd\n      - name: Static gates\n",
            ),
        ),
        QUALITY,
        1,
        "which is not a composite action",
    ),
    (
        "shell-is-a-list",
        _replace(
            QUALITY,
            "      - name: Static gates\n",
            "      - name: Static gates\n        shell: [bash]\n",
        ),
        QUALITY,
        1,
        "is a custom shell",
    ),
    (
        "pull-request-branches-a-mapping-list",
        _replace(CI, "  pull_request:\n", "  pull_request:\n    branches: [{main: 1}]\n"),
        ".github/workflows",
        1,
        "run by no workflow on every pull request",
    ),
    (
        "task-type-a-list",
        _write(TASKS, '{"tasks": [{"label": "x", "type": ["shell"], "command": "true"}]}'),
        TASKS,
        1,
        "a task must be of type shell or process",
    ),
    ("tasks-missing", _delete(TASKS), TASKS, 1, "missing: every default session needs a task"),
    ("tasks-empty", _write(TASKS, ""), TASKS, 2, "invalid JSONC"),
    ("tasks-not-utf8", _write(TASKS, b'{"tasks": ["\xff"]}'), TASKS, 2, "not UTF-8 text"),
    ("tasks-is-a-list", _write(TASKS, "[]"), TASKS, 1, "field 'tasks' must be a list"),
    (
        "tasks-tasks-a-number",
        _write(TASKS, '{"tasks": 5}'),
        TASKS,
        1,
        "field 'tasks' must be a list",
    ),
    (
        "task-label-a-number",
        _write(TASKS, '{"tasks": [{"label": 5}]}'),
        TASKS,
        1,
        "tasks[0] must be a mapping with a string 'label'",
    ),
    (
        "task-args-a-string",
        _write(TASKS, '{"tasks": [{"label": "x", "command": "uvx", "args": "nox"}]}'),
        TASKS,
        1,
        "fields 'command' and 'args' must be strings",
    ),
    ("noxfile-missing", _delete("noxfile.py"), "noxfile.py", 2, "noxfile not found"),
    (
        "noxfile-broken",
        _write("noxfile.py", "import nox\ndef (:\n"),
        "noxfile.py",
        2,
        "nox --list --json failed",
    ),
    (
        "posargs-not-literal",
        _replace("noxfile.py", "@ci_posargs()", '@ci_posargs("-" + "x")'),
        "noxfile.py",
        2,
        "field @ci_posargs of format: arguments must be string literals",
    ),
    ("lock-missing", _delete("uv.lock"), "uv.lock", 2, "cannot read"),
    ("lock-bad-toml", _write("uv.lock", "version = [\n"), "uv.lock", 2, "invalid TOML"),
    (
        "lock-without-nox",
        _write("uv.lock", "version = 1\n"),
        "uv.lock",
        2,
        'field [[package]] name = "nox" is missing',
    ),
    ("ci-run-missing", _delete(".ci/run"), ".ci/run", 1, "missing: it holds the commands"),
]


def _assert_answer(done: object, root: Path, name: str, code: int, text: str) -> None:
    stdout, stderr = done.stdout, done.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr, stderr
    assert done.returncode == code, stdout + stderr  # type: ignore[attr-defined]
    if code == 2:
        assert stdout == ""
        assert stderr.count("\n") == 1, stderr
        assert stderr.startswith(f"error: {root / name}"), stderr
        assert text in stderr, stderr
    else:
        lines = [line for line in stdout.splitlines() if text in line]
        assert lines, stdout
        assert lines[0].startswith(name), lines[0]


@pytest.mark.parametrize("command", ["check-gates", "ci-config"])
@pytest.mark.parametrize(
    ("plant", "name", "code", "text"), [pytest.param(*c[1:], id=c[0]) for c in CI_CASES]
)
def test_malformed_ci_file(
    ci_copy: Path,
    run_tooling: RunTooling,
    command: str,
    plant: Plant,
    name: str,
    code: int,
    text: str,
) -> None:
    plant(ci_copy)
    _assert_answer(run_tooling(command, "--root", ci_copy), ci_copy, name, code, text)


_PYPROJECT = "packages/p/pyproject.toml"
_REPORT = "coverage.json"
_GOOD_REPORT = json.dumps(
    {"files": {"packages/p/src/p/m.py": {"summary": {"covered_lines": 1, "num_statements": 1}}}}
)
COVERAGE_CASES: list[tuple[str, dict[str, str | bytes | None], str, str]] = [
    ("report-missing", {_REPORT: None}, _REPORT, "cannot read"),
    ("report-empty", {_REPORT: ""}, _REPORT, "invalid JSON"),
    ("report-not-utf8", {_REPORT: b"\xff{}"}, _REPORT, "not UTF-8 text"),
    ("report-a-list", {_REPORT: "[]"}, _REPORT, "field 'files' is missing"),
    ("report-files-a-number", {_REPORT: '{"files": 5}'}, _REPORT, "field 'files' is missing"),
    (
        "report-file-a-string",
        {_REPORT: '{"files": {"m.py": "x"}}'},
        _REPORT,
        "field 'files.m.py.summary'",
    ),
    (
        "report-counts-strings",
        {_REPORT: '{"files": {"m.py": {"summary": {"covered_lines": "1", "num_statements": 1}}}}'},
        _REPORT,
        "field 'files.m.py.summary'",
    ),
    (
        "report-counts-missing",
        {_REPORT: '{"files": {"m.py": {"summary": {"num_statements": 1}}}}'},
        _REPORT,
        "field 'files.m.py.summary'",
    ),
    ("pyproject-bad-toml", {_PYPROJECT: "[project\n"}, _PYPROJECT, "invalid TOML"),
    (
        "pyproject-project-a-number",
        {_PYPROJECT: "project = 5\n"},
        _PYPROJECT,
        "field [project] name is missing",
    ),
    (
        "pyproject-no-stage",
        {_PYPROJECT: '[project]\nname = "p"\n'},
        _PYPROJECT,
        "field [tool.tta] stage is None",
    ),
    (
        "pyproject-tool-a-string",
        {_PYPROJECT: '[project]\nname = "p"\n[tool]\ntta = "x"\n'},
        _PYPROJECT,
        "field [tool.tta] stage is None",
    ),
]


@pytest.mark.parametrize(
    ("files", "name", "text"), [pytest.param(*c[1:], id=c[0]) for c in COVERAGE_CASES]
)
def test_malformed_coverage_input(
    tmp_path: Path,
    run_tooling: RunTooling,
    files: dict[str, str | bytes | None],
    name: str,
    text: str,
) -> None:
    contents: dict[str, str | bytes | None] = {
        _PYPROJECT: '[project]\nname = "p"\n[tool.tta]\nstage = "development"\n',
        _REPORT: _GOOD_REPORT,
        **files,
    }
    for relative, content in contents.items():
        if content is not None:
            _write(relative, content)(tmp_path)
    done = run_tooling("coverage-gate", "--root", tmp_path, "--coverage-json", tmp_path / _REPORT)
    _assert_answer(done, tmp_path, name, 2, text)


def test_well_formed_coverage_input_passes(tmp_path: Path, run_tooling: RunTooling) -> None:
    """The baseline the malformed cases start from is accepted."""
    _write(_PYPROJECT, '[project]\nname = "p"\n[tool.tta]\nstage = "development"\n')(tmp_path)
    _write(_REPORT, _GOOD_REPORT)(tmp_path)
    done = run_tooling("coverage-gate", "--root", tmp_path, "--coverage-json", tmp_path / _REPORT)
    assert done.returncode == 0, done.stdout + done.stderr
