"""Replay verdicts with Keploy's noise semantics."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from keploy_framework.compare import MatchOptions, compare
from keploy_framework.config import Config
from keploy_framework.noise_match import NoiseIndex, split_noise, substring_key_match
from keploy_framework.redaction import Redactor
from keploy_framework.replay import replay_case
from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase


def _response(body: Any, header: dict[str, str] | None = None, status: int = 200) -> HttpResponse:
    text = body if isinstance(body, str | bytes) else json.dumps(body)
    return HttpResponse(status_code=status, header=header or {}, body=text, timestamp="t")


def _case(body: Any, noise: dict[str, list[str]] | None = None, **kwargs: Any) -> TestCase:
    request = HttpRequest(method="GET", url="http://h/x", header={}, body="", timestamp="t")
    return TestCase(
        name="test-1", request=request, response=_response(body, **kwargs), noise=noise or {}
    )


def test_identical_responses_pass() -> None:
    doc = {"a": 1, "b": [1, 2], "c": {"d": None}}
    assert compare(_case(doc), _response(doc)).passed


def test_a_renamed_field_fails_naming_both_fields_with_indices() -> None:
    result = compare(_case({"items": [{"name": "x"}]}), _response({"items": [{"title": "x"}]}))
    assert not result.passed
    assert 'body.items[0].name: expected "x", got <missing>' in result.diffs
    assert 'body.items[0].title: unexpected field, got "x"' in result.diffs
    assert result.result["body_result"][0]["normal"] is False


def test_status_and_type_changes_fail() -> None:
    result = compare(_case({"n": 1}, status=200), _response({"n": "1"}, status=201))
    assert "status_code: expected 200, got 201" in result.diffs
    assert any("body.n: type changed" in diff for diff in result.diffs)
    assert not compare(_case({"n": True}), _response({"n": 1})).passed
    assert compare(_case({"n": 1}), _response({"n": 1.0})).passed


@pytest.mark.parametrize(
    ("noise", "passed"),
    [
        ({"body.user.id": []}, True),  # dotted path, unconditional
        ({"BODY.User.ID": []}, True),  # case-insensitive
        ({"body.id": []}, True),  # single segment: a global key at any depth
        ({"body.user.id": ["^[0-9]+$"]}, True),  # regex on the replayed value
        ({"body.user.id": ["^abc$"]}, False),
        ({"body.user.id": ["("]}, False),  # an invalid regex matches nothing
        ({"body.user.i": []}, True),  # paths match by substring, as in Keploy
        ({"body.other": []}, False),
        ({"body": []}, True),  # the bare section skips the body
        ({"body": ["user.id"]}, True),  # sectioned list of paths
    ],
)
def test_body_noise_follows_keploys_semantics(noise: dict[str, list[str]], passed: bool) -> None:
    case = _case({"user": {"id": 1, "name": "a"}}, noise)
    assert compare(case, _response({"user": {"id": 2, "name": "a"}})).passed is passed


def test_index_free_paths_cover_every_element_and_indexed_paths_cover_none() -> None:
    recorded = {"items": [{"ts": 1}, {"ts": 2}]}
    replayed = {"items": [{"ts": 3}, {"ts": 4}]}
    assert compare(_case(recorded, {"body.items.ts": []}), _response(replayed)).passed
    assert not compare(_case(recorded, {"body.items.0.ts": []}), _response(replayed)).passed


def test_noise_does_not_excuse_a_dropped_field_unless_unconditional() -> None:
    assert not compare(_case({"a": 1, "b": 2}, {"body.b": ["2"]}), _response({"a": 1})).passed
    assert compare(_case({"a": 1, "b": 2}, {"body.b": []}), _response({"a": 1})).passed


def test_array_order_is_ignored_unless_configured() -> None:
    case = _case({"v": [{"k": 1}, {"k": 2}]})
    swapped = _response({"v": [{"k": 2}, {"k": 1}]})
    assert compare(case, swapped).passed  # config/default.go: ignoreOrdering true
    assert not compare(case, swapped, options=MatchOptions(ignore_ordering=False)).passed
    result = compare(case, _response({"v": [{"k": 2}, {"k": 3}]}))
    assert result.diffs == ["body.v[0].k: expected 1, got 2"]
    assert "array length" in compare(case, _response({"v": []})).diffs[0]


def test_global_noise_from_the_config_applies_to_every_case() -> None:
    case = _case({"version": "1.0"})
    replayed = _response({"version": "1.1"})
    assert not compare(case, replayed).passed
    assert compare(case, replayed, {"body": {"version": []}}).passed


def test_a_case_noise_entry_replaces_the_global_one_for_that_key_as_keploy_does() -> None:
    narrowed = _case({"version": "1.0"}, {"body.version": ["^1\\.1$"]})
    everything: dict[str, dict[str, list[str]]] = {"body": {"version": []}}
    assert compare(narrowed, _response({"version": "1.1"}), everything).passed
    result = compare(narrowed, _response({"version": "2.0"}), everything)
    assert not result.passed
    assert "body.version" in result.diffs[0]


def test_non_json_bodies_are_compared_only_with_compare_all_or_strict() -> None:
    assert compare(_case("hello"), _response("hullo")).passed
    for options in (MatchOptions(compare_all=True), MatchOptions(strict=True)):
        result = compare(_case("hello"), _response("hullo"), options=options)
        assert result.diffs == ["body: expected 'hello', got 'hullo'"]
        assert compare(_case("hello", {"body": []}), _response("hullo"), options=options).passed
        assert not compare(_case(b"\x00\xff"), _response(b"\x00\xfe"), options=options).passed


def test_headers_volatile_ones_forgiven_others_compared() -> None:
    header = {"Date": "Mon", "X-Request-Id": "a", "Content-Type": "application/json"}
    replay = {"Date": "Tue", "X-Request-Id": "b", "Content-Type": "application/json"}
    assert compare(_case({}, header=header), _response({}, header=replay)).passed
    changed = compare(
        _case({}, header=header), _response({}, header={**replay, "Content-Type": "text/html"})
    )
    assert changed.diffs == ["header.Content-Type: expected 'application/json', got 'text/html'"]
    assert changed.failure_info == {"risk": "HIGH", "category": ["HEADER_CHANGED"]}
    extra = compare(_case({}, header=header), _response({}, header={**replay, "X-New": "1"}))
    assert extra.diffs == ["header.X-New: expected '<missing>', got '1'"]
    missing = compare(_case({}, header=header), _response({}, header={"Date": "x"}))
    assert not missing.passed
    noised = _case({}, {"header.Content-Type": []}, header=header)
    assert compare(noised, _response({}, header={**replay, "Content-Type": "x"})).passed
    assert compare(_case({}, {"header": []}, header=header), _response({})).passed


def test_content_length_is_forgiven_only_when_the_body_matches() -> None:
    case = _case({"a": 1}, header={"Content-Length": "8"})
    assert compare(case, _response({"a": 1}, header={"Content-Length": "9"})).passed
    failed = compare(case, _response({"a": 2}, header={"Content-Length": "9"}))
    assert "header.Content-Length: expected '8', got '9'" in failed.diffs


def test_split_noise_and_index_pick_the_longest_entry() -> None:
    body, header, skip = split_noise({"body.a.b": ["x"], "header.Date": [], "body": ["c"]})
    assert body == {"a.b": ["x"], "c": []}
    assert header == {"date": []}
    assert not skip
    index = NoiseIndex.build({"a.b": ["^1$"], "a.b.c": []})
    assert index.match("z.a.b.c")[1]
    assert index.match("z.a.b.c")[0] == ()
    assert substring_key_match("X-Request-Id", {"request-id": [], "id": ["x"]}) == ([], True)


def test_a_redacted_field_passes_with_any_value_but_must_still_be_there() -> None:
    noise = {"body.token": [".*"], "header.Set-Cookie": [".*"]}
    case = _case({"token": "[REDACTED]", "n": 1}, noise, header={"Set-Cookie": "[REDACTED]"})
    live = _response({"token": "tok-123", "n": 1}, header={"Set-Cookie": "s=abc"})
    assert compare(case, live).passed
    dropped = compare(case, _response({"n": 1}, header={"Set-Cookie": "s=abc"}))
    assert dropped.diffs == ['body.token: expected "[REDACTED]", got <missing>']
    no_cookie = compare(case, _response({"token": "t", "n": 1}))
    assert no_cookie.diffs == ["header.Set-Cookie: expected '[REDACTED]', got '<missing>'"]


def test_a_request_that_gets_no_response_is_a_failed_case() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        result = replay_case(
            client, "http://app", _case({}), Config(), Redactor.from_config(Config()), noise={}
        )
    assert not result.passed
    assert result.comparison.diffs == [
        "request failed: ConnectError: connection refused",
        "status_code: expected 200, got 0",
    ]
    assert result.actual.status_code == 0
    # replay.go CreateFailedTestResult: status 0 judged by Match, then the transport label.
    assert result.comparison.failure_info == {
        "risk": "HIGH",
        "category": ["STATUS_CODE_CHANGED", "APP_CONNECTION_ERROR"],
    }
    assert result.comparison.result["status_code"]["normal"] is False
