"""Bad input exits 2 with one line naming the file and the field, and no traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from keploy_framework.config import load_config

from .conftest import FIXTURES, one_line_error

CASE = FIXTURES / "flask-redis/test-set-0/tests/test-1.yaml"


def _suite(tmp_path: Path, text: str, name: str = "test-1.yaml") -> Path:
    tests = tmp_path / "api" / "test-set-0" / "tests"
    tests.mkdir(parents=True)
    (tests / name).write_text(text)
    return tmp_path / "api"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("kind: Http\nname: [unclosed\n", "invalid YAML"),
        (
            CASE.read_text().replace("        url: http://localhost:5000/books/\n", ""),
            "spec.req.url",
        ),
        (CASE.read_text().replace("    resp:", "    respx:"), "spec.resp"),
        (
            CASE.read_text().replace("status_code: 201", "status_code: created"),
            "spec.resp.status_code",
        ),
        (CASE.read_text().replace("kind: Http", "kind: Grpc"), "kind"),
        (
            CASE.read_text().replace("            header.Date: []", "            header.Date: x"),
            "assertions.noise.header.Date",
        ),
        ("- just\n- a list\n", "document"),
    ],
)
def test_malformed_cases_exit_2_naming_file_and_field(
    tmp_path: Path, text: str, field: str
) -> None:
    test_dir = _suite(tmp_path, text)
    one_line_error(
        ["test", "--replay", "--test-dir", test_dir, "--base-url", "http://127.0.0.1:9"],
        "test-1.yaml",
        field,
    )


def test_malformed_json_storage_names_the_file(tmp_path: Path) -> None:
    test_dir = _suite(tmp_path, "{not json", "test-1.json")
    one_line_error(
        ["test", "--test-dir", test_dir, "--base-url", "http://127.0.0.1:9"], "test-1.json", "JSON"
    )


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        ("version: 1\nconfig:\n  timeout: 5\n  colour: red\n", "unknown key 'colour' in config"),
        ("version: 1\nnmae: typo\n", "unknown key 'nmae' in document"),
        (
            "config:\n  filters:\n    - path: /x\n      verb: GET\n",
            "unknown key 'verb' in config.filters.0",
        ),
        ("config:\n  timeout: soon\n", "config.timeout"),
        ("config:\n  thresholds:\n    pass_rate: 120\n", "config.thresholds.pass_rate"),
        ("test_mode: replay\n  bad: indent\n", "invalid YAML"),
    ],
)
def test_invalid_config_exits_2_naming_key_and_file(
    tmp_path: Path, config: str, needle: str
) -> None:
    shutil.copytree(FIXTURES / "flask-redis/test-set-0", tmp_path / "api/test-set-0")
    path = tmp_path / "keploy-config.yml"
    path.write_text(config)
    one_line_error(
        [
            "test",
            "--replay",
            "--test-dir",
            tmp_path / "api",
            "--config",
            path,
            "--base-url",
            "http://127.0.0.1:9",
        ],
        str(path),
        needle,
    )


def test_usage_errors_are_one_line(tmp_path: Path) -> None:
    one_line_error(
        ["test", "--test-dir", tmp_path, "--app-cmd", "x", "--base-url", "y"], "not allowed"
    )
    one_line_error(["test", "--test-dir", tmp_path / "missing"], "missing", "does not exist")
    one_line_error(["test", "--test-dir", tmp_path, "--test-sets", "test-set-7"], "test-set-7")
    one_line_error(["report", "--output", tmp_path / "o.json", "--test-dir", tmp_path], "test-run")


def test_the_proposals_config_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "keploy-config.yml"
    path.write_text(
        'version: 1\nname: "TTA API Tests"\ntest_mode: "replay"\nconfig:\n  timeout: 30\n'
        "  delay: 0\n  ports:\n    - 8000\n  filters:\n    - path: /health\n      method: GET\n"
        "    - path: /api/v1/*\n      method: POST\n"
    )
    config = load_config(path)
    assert config.timeout == 30
    assert config.pass_rate == 95.0
    assert config.records("GET", "/health")
    assert config.records("POST", "/api/v1/things")
    assert not config.records("GET", "/api/v1/things")
    assert not config.records("GET", "/metrics")
