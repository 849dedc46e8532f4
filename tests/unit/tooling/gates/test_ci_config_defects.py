"""The ci-config gate passes on the repository and fails on each planted defect."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ....common.repository_files import plant
from ..conftest import RunTooling
from .pinned import NOX


def test_repository_passes(ci_copy: Path, run_tooling: RunTooling) -> None:
    done = run_tooling("ci-config", "--root", ci_copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no problems" in done.stderr


def test_step_running_pytest_directly(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        ci_copy / ".github/workflows/quality-check.yml",
        f"run: {NOX} -t quality",
        "run: pytest tests",
    )
    done = run_tooling("ci-config", "--root", ci_copy)
    assert done.returncode == 1
    assert ".github/workflows/quality-check.yml:" in done.stdout
    assert "jobs.quality.steps[3] 'Static gates'" in done.stdout
    assert "runs `pytest tests` directly" in done.stdout


def test_vscode_task_naming_missing_session(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(ci_copy / ".vscode/tasks.json", f"{NOX} -s format", "uvx nox -s nosuchsession")
    done = run_tooling("ci-config", "--root", ci_copy)
    assert done.returncode == 1
    assert ".vscode/tasks.json:" in done.stdout
    assert "task 'nox: format'" in done.stdout
    assert "'nosuchsession', which noxfile.py does not define" in done.stdout


def test_vscode_task_running_other_tool(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(ci_copy / ".vscode/tasks.json", f"{NOX} -s format", "uv run ruff format .")
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert "task 'nox: format'" in done.stdout
    assert "default session 'format' has no VS Code task" in done.stdout


def test_workflow_naming_missing_session(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        ci_copy / ".github/workflows/quality-check.yml",
        f"run: {NOX} -t quality",
        f"run: {NOX} -s nosuchsession",
    )
    done = run_tooling("ci-config", "--root", ci_copy)
    assert done.returncode == 1
    assert ".github/workflows/quality-check.yml:" in done.stdout
    assert "'nosuchsession', which noxfile.py does not define" in done.stdout


def test_workflow_naming_missing_tag(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(ci_copy / ".github/workflows/ci.yml", "-t linux)", "-t nosuchtag)")
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    assert "names tag 'nosuchtag', which no session in noxfile.py has" in done.stdout


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_default_session_run_by_no_workflow(ci_copy: Path, run_tooling: RunTooling) -> None:
    noxfile = ci_copy / "noxfile.py"
    noxfile.write_text(
        noxfile.read_text(encoding="utf-8").replace(
            'if __name__ == "__main__":',
            "@nox.session(python=False)\ndef orphan(session: nox.Session) -> None:\n"
            '    """A gate no workflow runs."""\n\n\nif __name__ == "__main__":',
        ),
        encoding="utf-8",
    )
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 1
    line = (
        noxfile.read_text(encoding="utf-8")
        .splitlines()
        .index("def orphan(session: nox.Session) -> None:")
        + 1
    )
    assert (
        f"noxfile.py:{line}: default session 'orphan' is run by no workflow on every pull request"
        in done.stdout
    )
    assert f"noxfile.py:{line}: default session 'orphan' has no VS Code task" in done.stdout


def test_action_pinned_by_tag(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        ci_copy / ".github/workflows/quality-check.yml",
        "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0",
        "actions/checkout@v5",
    )
    done = run_tooling("ci-config", "--root", ci_copy)
    assert done.returncode == 1
    assert "zizmor found problems" in done.stdout
    assert "unpinned-uses" in done.stdout
    assert "quality-check.yml" in done.stdout


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("docker-compose.test.yml", "    ports:\n", "    portz:\n"),
        (".github/dependabot.yml", "    schedule:\n", "    shedule:\n"),
        ("codecov.yml", "  round: down\n", "  round: sideways\n"),
        ("codecov.yml", "  require_ci_to_pass: true\n", "  require_ci_to_pass: maybe\n"),
    ],
)
def test_invalid_key(ci_copy: Path, run_tooling: RunTooling, file: str, old: str, new: str) -> None:
    plant(ci_copy / file, old, new)
    done = run_tooling("ci-config", "--root", ci_copy)
    assert done.returncode == 1
    assert f"{file}: does not match the" in done.stdout


@pytest.mark.parametrize(
    ("file", "old", "new", "line"),
    [
        (".vscode/tasks.json", '"version": "2.0.0",', '"version" "2.0.0",', 4),
        (".github/workflows/ci.yml", "timeout-minutes: 5\n", "timeout-minutes: 5: 6\n", 24),
    ],
)
def test_malformed_file_is_a_usage_error(
    ci_copy: Path, run_tooling: RunTooling, file: str, old: str, new: str, line: int
) -> None:
    plant(ci_copy / file, old, new)
    done = run_tooling("check-gates", "--root", ci_copy)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"error: {ci_copy / file}:{line}: invalid ")
    assert "Traceback" not in done.stderr


def test_missing_noxfile_is_a_usage_error(tmp_path: Path, run_tooling: RunTooling) -> None:
    done = run_tooling("check-gates", "--root", tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"error: {tmp_path / 'noxfile.py'}: noxfile not found\n"


def test_json_and_github_formats(ci_copy: Path, run_tooling: RunTooling) -> None:
    plant(ci_copy / ".github/workflows/quality-check.yml", f"run: {NOX} -t quality", "run: pytest")
    as_json = run_tooling("check-gates", "--root", ci_copy, "--format", "json")
    findings = json.loads(as_json.stdout)
    assert as_json.returncode == 1
    assert findings == [
        {
            "file": ".github/workflows/quality-check.yml",
            "message": findings[0]["message"],
            "line": findings[0]["line"],
            "where": "jobs.quality.steps[3] 'Static gates'",
        }
    ]
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    annotated = run_tooling("check-gates", "--root", ci_copy, env=env)
    line = findings[0]["line"]
    assert annotated.stdout.startswith(
        f"::error file=.github/workflows/quality-check.yml,line={line}::"
    )


@pytest.mark.parametrize(
    ("file", "content", "schema"),
    [
        ("codecov.yml", b"coverage: [\n", "vendor.codecov"),
        ("docker-compose.test.yml", b"\xff\xfe\xfd: x\n", "vendor.compose-spec"),
    ],
    ids=["invalid-yaml", "not-utf8"],
)
def test_a_file_check_jsonschema_cannot_parse_is_a_finding(
    ci_copy: Path, run_tooling: RunTooling, file: str, content: bytes, schema: str
) -> None:
    (ci_copy / file).write_bytes(content)
    done = run_tooling("ci-config", "--root", ci_copy)
    assert done.returncode == 1, done.stderr
    assert f"{file}: does not match the {schema} schema:\n    Failed to parse {file}\n" in (
        done.stdout
    )
    assert "Traceback" not in done.stdout + done.stderr
