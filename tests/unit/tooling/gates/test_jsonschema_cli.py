"""check-jsonschema run in-process answers as its console script does, never with a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tta_tooling.gates.jsonschema_cli import run_check_jsonschema

WORKFLOWS = ["--output-format", "json", "--builtin-schema", "vendor.github-workflows"]
VALID = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'true'\n"


def _workflow(root: Path, name: str, content: str | bytes) -> str:
    path = root / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path.relative_to(root).as_posix()


def test_a_valid_file_passes_and_the_working_directory_is_restored(tmp_path: Path) -> None:
    before = Path.cwd()
    code, output = run_check_jsonschema(
        [*WORKFLOWS, _workflow(tmp_path, "ok.yml", VALID)], tmp_path
    )
    assert (code, json.loads(output)) == (0, {"status": "ok", "errors": []})
    assert Path.cwd() == before


def test_a_schema_error_names_the_relative_file_path_and_field(tmp_path: Path) -> None:
    name = _workflow(tmp_path, "bad.yml", VALID.replace("ubuntu-latest", "3"))
    code, output = run_check_jsonschema([*WORKFLOWS, name], tmp_path)
    report = json.loads(output)
    assert code == 1
    [error] = report["errors"]
    assert error["filename"] == name
    assert error["best_deep_match"] == {
        "path": "$.jobs.a['runs-on']",
        "message": "3 is not of type 'string'",
    }


@pytest.mark.parametrize(
    "content",
    [pytest.param("jobs:\n  a: [\n", id="invalid-yaml"), pytest.param(b"\xff: [", id="not-utf8")],
)
def test_a_file_that_does_not_parse_is_a_parse_error(tmp_path: Path, content: str | bytes) -> None:
    name = _workflow(tmp_path, "broken.yml", content)
    code, output = run_check_jsonschema([*WORKFLOWS, name], tmp_path)
    assert code == 1
    assert json.loads(output)["parse_errors"] == [
        {"filename": name, "message": f"Failed to parse {name}"}
    ]


def test_a_usage_error_is_clicks_message_and_exit_code_2(tmp_path: Path) -> None:
    name = _workflow(tmp_path, "ok.yml", VALID)
    code, output = run_check_jsonschema(["--builtin-schema", "vendor.nosuch", name], tmp_path)
    assert code == 2
    assert "Error: Invalid value for '--builtin-schema': 'vendor.nosuch' is not one of" in output
    assert "Traceback" not in output


def test_an_exception_inside_check_jsonschema_is_one_line(tmp_path: Path) -> None:
    before = Path.cwd()
    code, output = run_check_jsonschema([*WORKFLOWS, "missing.yml"], tmp_path)
    assert code == 1
    assert output == (
        "check-jsonschema failed: FileNotFoundError: "
        "[Errno 2] No such file or directory: 'missing.yml'\n"
    )
    assert Path.cwd() == before
