"""Findings reach people: VS Code's ruff problem matcher matches what the lint
session prints, and GitHub annotations carry every line, escaped as GitHub specifies."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import json5
from tta_tooling.reporting import Finding, render

from ....common.repository_files import REPO_ROOT
from ..conftest import RunTooling
from .pinned import NOX

# What `ruff check --output-format=concise` prints (ruff 0.9+), and the first line
# of its default "full" format, which names the file on a later line.
CONCISE = "packages/x/planted.py:1:8: F401 [*] `os` imported but unused"
FULL_FIRST_LINE = "F401 [*] `os` imported but unused"


def _lint_session_ruff_args() -> list[str]:
    module = ast.parse((REPO_ROOT / "noxfile.py").read_text(encoding="utf-8"))
    lint = next(n for n in module.body if isinstance(n, ast.FunctionDef) and n.name == "lint")
    for node in ast.walk(lint):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == "ruff"
        ):
            return [str(a.value) for a in node.args if isinstance(a, ast.Constant)]
    raise AssertionError("the lint session does not run ruff")


def test_ruff_problem_matcher_matches_the_lint_session_output() -> None:
    assert "--output-format=concise" in _lint_session_ruff_args()
    tasks = json5.loads((REPO_ROOT / ".vscode/tasks.json").read_text(encoding="utf-8"))
    lint = next(t for t in tasks["tasks"] if t["command"] == f"{NOX} -s lint")
    pattern = lint["problemMatcher"]["pattern"]
    match = re.match(pattern["regexp"], CONCISE)
    assert match is not None
    assert match[pattern["file"]] == "packages/x/planted.py"
    assert (match[pattern["line"]], match[pattern["column"]]) == ("1", "8")
    assert match[pattern["code"]] == "F401"
    assert re.match(pattern["regexp"], FULL_FIRST_LINE) is None


def test_annotation_escapes_data_and_properties() -> None:
    finding = Finding("odd,name:1.yml", "50% done\r\nsecond, line: here", 7, "jobs.x")
    assert finding.as_github_annotation() == (
        "::error file=odd%2Cname%3A1.yml,line=7::[jobs.x] 50%25 done%0D%0Asecond, line: here"
    )
    rendered = render([finding, Finding("b.yml", "one")], "text", github=True)
    assert rendered.splitlines() == [
        finding.as_github_annotation(),
        "::error file=b.yml::one",
    ]


def test_multi_line_finding_is_one_annotation_with_every_line(
    ci_copy: Path, run_tooling: RunTooling
) -> None:
    workflow = ci_copy / ".github/workflows/quality-check.yml"
    text = workflow.read_text(encoding="utf-8")
    workflow.write_text(
        re.sub(r"actions/checkout@\w+ # v[\d.]+", "actions/checkout@v5", text), encoding="utf-8"
    )
    as_text = run_tooling("ci-config", "--root", ci_copy)
    annotated = run_tooling(
        "ci-config", "--root", ci_copy, env={**os.environ, "GITHUB_ACTIONS": "true"}
    )
    assert as_text.returncode == annotated.returncode == 1
    zizmor_text = as_text.stdout.split(".github/workflows: zizmor found problems:", 1)[1]
    message_lines = [line for line in zizmor_text.splitlines() if line.strip()]
    assert len(message_lines) > 1, as_text.stdout
    annotations = [a for a in annotated.stdout.splitlines() if "zizmor found problems" in a]
    assert len(annotations) == 1, annotated.stdout
    assert annotations[0].startswith("::error file=.github/workflows::zizmor found problems:%0A")
    for line in message_lines:
        escaped = line.replace("%", "%25")
        assert escaped in annotations[0], line
