"""The sensitive-name detector on JSON, YAML and JSON-lines text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.secrets.names import SensitiveNames, load_names
from tta_tooling.secrets.structured import sensitive_values

from ....common.repository_files import REPO_ROOT
from .conftest import NAMES_FILE, Canaries

NAMES = load_names(REPO_ROOT / NAMES_FILE)


def _found(file: str, text: str) -> list[tuple[int, str]]:
    return [(d.line, d.detail) for d in sensitive_values(file, text, NAMES)]


def test_the_shared_file_has_the_recorder_defaults() -> None:
    assert NAMES.marker == "[REDACTED]"
    assert {"authorization", "set-cookie", "password", "client_secret"} <= NAMES.keys
    assert "api_key" in NAMES.query_params


def test_a_json_body_in_a_block_scalar_is_found_on_its_own_line(canaries: Canaries) -> None:
    text = (
        "spec:\n  req:\n    body: |\n"
        '      {"user": "ada",\n'
        f'       "Password": "{canaries.login}"}}\n'
    )
    assert _found("case.yaml", text) == [(5, "value under 'password' is not the redaction marker")]


@pytest.mark.parametrize(
    "value", ['"[REDACTED]"', "null", "~", '""', '"${{ secrets.TOKEN }}"', '"${API_TOKEN}"']
)
def test_redacted_empty_and_referenced_values_pass(value: str) -> None:
    assert _found("c.yml", f"header:\n  Authorization: {value}\n") == []


def test_a_mapping_under_a_sensitive_key_is_a_finding() -> None:
    assert [line for line, _ in _found("c.yml", "secret:\n  nested: 1\n")] == [2]


def test_a_sensitive_query_parameter_in_a_url(canaries: Canaries) -> None:
    text = json.dumps({"url": f"https://x.test/a?page=2&Token={canaries.github_token}"})
    assert _found("r.json", text) == [(1, "value under 'token' is not the redaction marker")]
    redacted = json.dumps({"url": "https://x.test/a?token=%5BREDACTED%5D"})
    assert _found("r.json", redacted) == []


def test_every_document_of_a_multi_document_file_is_read() -> None:
    text = "kind: A\n---\nkind: B\napi_key: k3y-value\n"
    assert [line for line, _ in _found("mocks.yaml", text)] == [4]


def test_json_lines_keep_their_line_numbers() -> None:
    text = 'plain text line\n{"msg": "ok"}\n{"ctx": {"refresh_token": "abc"}}\n'
    assert [line for line, _ in _found("service.log", text)] == [3]


def test_text_that_is_not_yaml_is_left_to_the_line_detectors() -> None:
    assert _found("broken.yaml", "a: [unclosed\n  b: {\n") == []


def test_keys_that_only_contain_a_sensitive_name_pass() -> None:
    assert _found("c.json", json.dumps({"max_tokens": 5, "password_hint": "x"})) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[]", "expected an object"),
        ('{"marker": "", "headers": [], "json_keys": [], "query_params": []}', "marker"),
        ('{"marker": "M", "headers": [1], "json_keys": [], "query_params": []}', "headers"),
        ('{"marker": "M", "headers": [], "json_keys": []}', "query_params"),
        ("{", "invalid JSON"),
    ],
)
def test_a_malformed_names_file_names_the_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "names.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_names(path)


def test_names_are_case_insensitive() -> None:
    names = SensitiveNames("M", frozenset({"x-api-key"}), frozenset())
    assert len(list(sensitive_values("h.yml", "X-API-KEY: v\n", names))) == 1


def test_aliases_are_walked_once_so_a_billion_laughs_file_is_cheap() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 30)]
    assert _found("bomb.yaml", "\n".join(lines) + "\n") == []


def test_nesting_too_deep_to_walk_is_a_finding() -> None:
    deep = '{"a": ' * 5000 + "1" + "}" * 5000
    assert _found("deep.jsonl", deep + "\n") == [(1, "nested too deeply to check")]
