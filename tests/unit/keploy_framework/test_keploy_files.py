"""Keploy-written files read and written back unchanged: cases, mocks, reports, JSON storage."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from keploy_framework import read_test_set, write_test_case
from keploy_framework.capture import make_response
from keploy_framework.headers import canonical_header_key, join_headers
from keploy_framework.storage import list_test_sets, new_run_dir, new_test_set_dir
from keploy_framework.testcase import parse_test_case
from keploy_framework.yamlio import dump, dump_all, load, load_all

from .conftest import FIXTURES

CASES = sorted(FIXTURES.glob("*/test-set-*/tests/*.yaml"))
_STAMP = re.compile(r"timestamp: (\S+)")


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parts[-4]}/{p.name}")
def test_a_keploy_case_round_trips_parsed_equal_with_timestamps_unchanged(path: Path) -> None:
    text = path.read_text()
    case = parse_test_case(load(text, path), path)
    written = dump(case.to_document())
    assert load(written, "out") == load(text, path)
    assert _STAMP.findall(written) == _STAMP.findall(text)
    assert all("." in stamp or "+" in stamp for stamp in _STAMP.findall(written))


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parts[-4]}/{p.name}")
def test_a_keploy_case_is_written_byte_for_byte_as_keploy_wrote_it(path: Path) -> None:
    text = path.read_text()
    assert dump(parse_test_case(load(text, path), path).to_document()) == text


def test_timestamps_stay_strings_and_keep_nanoseconds_and_offsets() -> None:
    path = FIXTURES / "sanic-mongo/test-set-0/tests/test-1.yaml"
    case = parse_test_case(load(path.read_text(), path), path)
    assert case.request.timestamp == "2024-06-26T01:16:23.022752322+05:30"
    assert case.response.timestamp == "2024-06-26T01:16:25.086349854+05:30"
    # A standard YAML loader would have turned it into a datetime and lost nanoseconds.
    assert not isinstance(yaml.safe_load(path.read_text())["spec"]["req"]["timestamp"], str)


@pytest.mark.parametrize("app", ["flask-redis", "sanic-mongo"])
def test_mocks_are_kept_verbatim_with_their_non_http_kinds(app: str, tmp_path: Path) -> None:
    source = FIXTURES / app / "test-set-0"
    test_set = read_test_set(source)
    text = (source / "mocks.yaml").read_text()
    assert test_set.mocks == text
    documents = load_all(text, "mocks.yaml")
    assert {doc["kind"] for doc in documents} <= {"Redis", "Mongo"}
    assert len(documents) >= 2
    assert load_all(dump_all(documents), "again") == documents
    for doc in documents:
        for key in ("reqtimestampmock", "restimestampmock"):
            if key in doc["spec"]:
                assert isinstance(doc["spec"][key], str)


def test_a_real_keploy_report_round_trips() -> None:
    path = FIXTURES / "flask-redis/reports/test-run-0/test-set-0-report.yaml"
    document = load(path.read_text(), path)
    assert load(dump(document), "out") == document
    assert document["tests"][0]["result"]["body_result"][0]["type"] == "JSON"


def _realistic_case() -> dict[str, object]:
    """A case shaped as Keploy writes the parts the samples do not show."""
    return {
        "version": "api.keploy.io/v1beta1",
        "kind": "Http",
        "name": "test-9",
        "spec": {
            "metadata": {},
            "req": {
                "method": "POST",
                "proto_major": 1,
                "proto_minor": 1,
                "url": "http://localhost:8000/upload?x=1&y=2",
                "url_params": {"x": "1", "y": "2"},
                "header": {"Accept-Encoding": "gzip", "Content-Type": "multipart/form-data"},
                "body": "",
                "form": [{"key": "file", "values": ["a", "b"]}],
                "timestamp": "2024-08-02T22:15:10.000000001Z",
            },
            "resp": {
                "status_code": 200,
                "header": {"Content-Encoding": "gzip", "Vary": "Accept,Cookie"},
                "body": bytes([0, 159, 146, 150, 255]),
                "status_message": "OK",
                "proto_major": 0,
                "proto_minor": 0,
                "timestamp": "2024-08-02T22:15:10.1Z",
            },
            "objects": [],
            "assertions": {"noise": {"body.ts": ["^\\d+$"]}},
            "created": 1722636912,
            "app_port": 8000,
        },
        "curl": "curl --request POST",
    }


def test_binary_form_and_unknown_fields_round_trip(tmp_path: Path) -> None:
    document = _realistic_case()
    text = dump(document)
    assert "body: !!binary" in text
    assert "timestamp: 2024-08-02T22:15:10.000000001Z" in text
    case = parse_test_case(load(text, "case"), "case")
    assert case.response.body == bytes([0, 159, 146, 150, 255])
    assert case.request.extra == {"form": [{"key": "file", "values": ["a", "b"]}]}
    assert case.noise == {"body.ts": ["^\\d+$"]}
    assert load(dump(case.to_document()), "again") == document


def test_json_storage_is_accepted_when_reading(tmp_path: Path) -> None:
    set_dir = tmp_path / "test-set-0"
    source = FIXTURES / "flask-redis/test-set-0/tests/test-1.yaml"
    document = load(source.read_text(), source)
    (set_dir / "tests").mkdir(parents=True)
    (set_dir / "tests" / "test-1.json").write_text(json.dumps(document))
    (set_dir / "tests" / "test-2.yaml").write_text(
        (FIXTURES / "flask-redis/test-set-0/tests/test-2.yaml").read_text()
    )
    test_set = read_test_set(set_dir)
    assert [case.name for case in test_set.cases] == ["test-1", "test-2"]
    assert test_set.cases[0].to_document() == document
    assert test_set.mocks is None


def test_written_cases_sets_and_runs_follow_keploys_layout(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "flask-redis/test-set-0", tmp_path / "test-set-0")
    assert new_test_set_dir(tmp_path).name == "test-set-1"
    assert [p.name for p in list_test_sets(tmp_path)] == ["test-set-0", "test-set-1"]
    assert new_run_dir(tmp_path / "reports").name == "test-run-0"
    assert new_run_dir(tmp_path / "reports").name == "test-run-1"
    case = read_test_set(tmp_path / "test-set-0").cases[1]
    case.name = "test-10"
    target = write_test_case(tmp_path / "test-set-1", case)
    assert target == tmp_path / "test-set-1/tests/test-10.yaml"
    assert [p.name for p in target.parent.iterdir()] == ["test-10.yaml"]  # no temp file left


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("content-type", "Content-Type"),
        ("x-custom-ID", "X-Custom-Id"),
        ("WWW-AUTHENTICATE", "Www-Authenticate"),
        ("content-md5", "Content-Md5"),
        ("bad header", "bad header"),  # not a token: Go leaves it unchanged
    ],
)
def test_header_names_are_go_canonical(raw: str, canonical: str) -> None:
    assert canonical_header_key(raw) == canonical


def test_repeated_headers_are_joined_in_order() -> None:
    pairs = [("x-tag", "a"), ("Set-Cookie", "s=1"), ("X-Tag", "b"), ("set-cookie", "t=2")]
    assert join_headers(pairs) == {"X-Tag": "a,b", "Set-Cookie": "s=1,t=2"}


def test_gzip_is_decoded_for_storage() -> None:
    body = gzip.compress(b'{"a": 1}')
    response = make_response(200, [("content-encoding", "gzip")], body, "t")
    assert response.body == '{"a": 1}'
    assert response.header == {"Content-Encoding": "gzip"}
