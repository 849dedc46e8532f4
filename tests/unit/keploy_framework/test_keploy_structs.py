"""Written reports match Keploy's structs; a Keploy login case replays green and stays secret."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from keploy_framework.config import Config
from keploy_framework.redaction import Redactor
from keploy_framework.replay import SetResult, replay_case
from keploy_framework.reports import console_table, write_junit, write_set_report
from keploy_framework.storage import TestSet
from keploy_framework.testcase import parse_test_case
from keploy_framework.yamlio import load

from .keploy_structs import STRUCTS, struct_errors

TOKEN = "eyJhbGciOiJIUzI1NiJ9.CANARY-TOKEN-4c2e"
COOKIE = "CANARY-SESSION-8d1f"
LOGIN_BODY = json.dumps({"access_token": TOKEN, "token_type": "bearer"})
# A case as Keploy's recorder writes it for a login: the token and cookie in clear.
LOGIN_CASE = {
    "version": "api.keploy.io/v1beta1",
    "kind": "Http",
    "name": "test-1",
    "spec": {
        "metadata": {},
        "req": {
            "method": "POST",
            "proto_major": 1,
            "proto_minor": 1,
            "url": "http://localhost:8000/login",
            "header": {"Content-Type": "application/json", "Host": "localhost:8000"},
            "body": '{"username": "ann", "password": "CANARY-PASSWORD-1a9e"}',
            "timestamp": "2026-12-07T01:00:00.123456789Z",
        },
        "resp": {
            "status_code": 200,
            "header": {
                "Content-Length": str(len(LOGIN_BODY)),
                "Content-Type": "application/json",
                "Date": "Mon, 07 Dec 2026 01:00:00 GMT",
                "Set-Cookie": f"session={COOKIE}; HttpOnly; Path=/",
            },
            "body": LOGIN_BODY,
            "status_message": "OK",
            "proto_major": 0,
            "proto_minor": 0,
            "timestamp": "2026-12-07T01:00:00.223456789Z",
        },
        "objects": [],
        "assertions": {"noise": {"header.Date": []}},
        "created": 1796605200,
        "app_port": 8000,
    },
    "curl": "curl --request POST --url http://localhost:8000/login",
}


def _app(body: str, cookie: str) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        headers = [
            ("content-type", "application/json"),
            ("date", "Tue, 08 Dec 2026 09:00:00 GMT"),
            ("set-cookie", f"session={cookie}; HttpOnly; Path=/"),
        ]
        return httpx.Response(200, headers=headers, content=body.encode())

    return httpx.MockTransport(answer)


def _replay(tmp_path: Path, body: str, cookie: str) -> tuple[SetResult, list[Path]]:
    set_dir = tmp_path / "test-set-0"
    case = parse_test_case(json.loads(json.dumps(LOGIN_CASE)), set_dir / "tests/test-1.yaml")
    config = Config()
    result = SetResult(TestSet(name="test-set-0", path=set_dir, cases=[case]))
    with httpx.Client(transport=_app(body, cookie)) as client:
        result.cases.append(
            replay_case(
                client,
                "http://app",
                case,
                config,
                Redactor.from_config(config),
                noise=config.noise_for("test-set-0"),
            )
        )
    run_dir = tmp_path / "reports" / "test-run-0"
    run_dir.mkdir(parents=True)
    report = write_set_report(run_dir, result)
    junit = run_dir / "junit.xml"
    write_junit(junit, [result])
    return result, [report, junit]


def test_the_vendored_structs_are_read() -> None:
    assert {"TestReport", "TestResult", "Result", "HTTPSchema", "FailureInfo"} <= set(STRUCTS)
    assert STRUCTS["TestResult"]["mock_path"].omitempty is False
    assert STRUCTS["HTTPSchema"]["app_port"].go_type == "uint16"


def test_a_keploy_login_case_replays_green_and_no_secret_is_written(tmp_path: Path) -> None:
    result, written = _replay(tmp_path, LOGIN_BODY, COOKIE)
    assert result.passed == 1, result.cases[0].comparison.diffs
    texts = [path.read_text(encoding="utf-8") for path in written] + [console_table([result])]
    for text in texts:
        assert TOKEN not in text
        assert COOKIE not in text
    report = load(written[0].read_text(encoding="utf-8"), "report")
    assert struct_errors(report, "TestReport") == []
    entry = report["tests"][0]
    assert entry["mock_path"] == str((tmp_path / "test-set-0" / "mocks.yaml").resolve())
    assert entry["result"]["body_result"][0]["type"] == "JSON"
    assert "failure_info" not in entry


@pytest.mark.parametrize(
    ("body", "cookie", "category"),
    [
        (json.dumps({"access_token": "other-CANARY-TOKEN-77"}), COOKIE, "SCHEMA_BROKEN"),
        (LOGIN_BODY, "CANARY-SESSION-other-55", "HEADER_CHANGED"),
    ],
)
def test_a_failed_login_report_has_keploys_shape_and_still_no_secret(
    tmp_path: Path, body: str, cookie: str, category: str
) -> None:
    result, written = _replay(tmp_path, body, cookie)
    assert result.failed == 1
    texts = [path.read_text(encoding="utf-8") for path in written] + [console_table([result])]
    for text in texts:
        for secret in (TOKEN, COOKIE, cookie, "other-CANARY-TOKEN-77"):
            assert secret not in text
    report = load(written[0].read_text(encoding="utf-8"), "report")
    assert struct_errors(report, "TestReport") == []
    failure = report["tests"][0]["failure_info"]
    assert failure["risk"] in {"HIGH", "MEDIUM"}
    assert category in failure["category"]
    dates = [
        h for h in report["tests"][0]["result"]["headers_result"] if h["expected"]["key"] == "Date"
    ]
    assert [h["normal"] for h in dates] == [True]  # a volatile header's value drift is forgiven


def test_the_struct_check_catches_what_keploy_would_not_read() -> None:
    assert struct_errors({"status_code": 200}, "HTTPResp") == [
        ".header: required by HTTPResp, missing",
        ".body: required by HTTPResp, missing",
        ".status_message: required by HTTPResp, missing",
        ".proto_major: required by HTTPResp, missing",
        ".proto_minor: required by HTTPResp, missing",
        ".timestamp: required by HTTPResp, missing",
    ]
    assert struct_errors({"key": "A", "value": None, "extra": 1}, "Header") == [
        ".extra: not a field of Header",
        ".value: expected a list, got None",
    ]
