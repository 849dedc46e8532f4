"""Record-time noise, --denoise refusals and --dedup signatures."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from keploy_framework.dedup import case_signature, path_template
from keploy_framework.noise import Refusal, body_noise_from_diff, detect_noise, is_volatile
from keploy_framework.recorder import mark_denoised
from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase

NOW = 1_790_000_000.0


def _case(body: Any, header: dict[str, str] | None = None, url: str = "http://h/x") -> TestCase:
    text = body if isinstance(body, str) else json.dumps(body)
    return TestCase(
        name="t",
        request=HttpRequest(method="GET", url=url, header={}, body="", timestamp="t"),
        response=HttpResponse(status_code=200, header=header or {}, body=text, timestamp="t"),
    )


@pytest.mark.parametrize(
    ("value", "volatile"),
    [
        ("2026-09-21T14:13:25.596402605Z", True),  # NOW + 5 s, nanoseconds
        ("2026-09-21T19:43:25+05:30", True),
        ("2026-09-21T14:13:25", True),  # no offset: read as UTC
        ("Mon, 21 Sep 2026 14:13:15 GMT", True),
        ("2024-08-02T22:15:10.596402605Z", False),  # a time far from now is data
        ("Fri, 02 Aug 2024 22:15:10 GMT", False),
        ("2026-13-45T99:99:99Z", False),
        ("123e4567-e89b-12d3-a456-426614174000", True),
        (NOW + 60, True),
        (int(NOW * 1000), True),
        (42, False),
        (NOW - 30 * 86400, False),
        (True, False),
        ("kettle", False),
        ("2024-08-02", False),
    ],
)
def test_volatile_values(value: Any, volatile: bool) -> None:
    assert is_volatile(value, NOW) is volatile


def test_detect_noise_marks_times_ids_and_request_id_headers() -> None:
    case = _case(
        {
            "id": "123e4567-e89b-12d3-a456-426614174000",
            "name": "a",
            "meta": {"created": "2026-09-21T14:13:25Z", "born": "1990-01-01T00:00:00Z"},
            "rows": [{"at": NOW}, {"at": NOW + 1}],
        },
        header={
            "Date": "x",
            "X-Request-Id": "abc",
            "Content-Type": "application/json",
            "Last-Modified": "Mon, 21 Sep 2026 14:13:15 GMT",
            "Expires": "Fri, 02 Aug 2024 22:15:10 GMT",
        },
    )
    detect_noise(case, NOW)
    assert case.noise == {
        "header.Date": [],
        "header.X-Request-Id": [],
        "header.Last-Modified": [],
        "body.id": [],
        "body.meta.created": [],
        "body.rows.at": [],
    }


def test_detect_noise_refuses_a_path_that_would_silence_a_stable_field() -> None:
    # "id" as a global key would also cover "owner.id", which is stable.
    case = _case({"id": "123e4567-e89b-12d3-a456-426614174000", "owner": {"id": "u1"}})
    detect_noise(case, NOW)
    assert "body.id" not in case.noise
    mixed = _case({"rows": [{"at": NOW}, {"at": "static"}]})
    detect_noise(mixed, NOW)
    assert "body.rows.at" not in mixed.noise


def test_denoise_accepts_scalar_drift_and_refuses_what_keploy_refuses() -> None:
    paths, refused = body_noise_from_diff(
        {"count": 1, "label": "a", "nested": {"n": 1}},
        {"count": 2, "label": "a", "nested": {"n": 2}},
    )
    assert paths == ["count", "nested.n"]
    assert refused == []
    assert body_noise_from_diff({"v": [1]}, {"v": [1, 2]})[1] == [Refusal("v", "ARRAY_LENGTH")]
    assert body_noise_from_diff({"v": 1}, {"w": 1})[1] == [Refusal("", "STRUCTURAL")]
    assert body_noise_from_diff({"v": 1}, {"v": {"x": 1}})[1] == [Refusal("v", "STRUCTURAL")]
    assert body_noise_from_diff(1, 2)[1] == [Refusal("", "ROOT_VALUE")]
    assert body_noise_from_diff({"a.b": 1}, {"a.b": 2})[1] == [Refusal("a.b", "UNREPRESENTABLE")]
    over = body_noise_from_diff({"id": 1, "user": {"id": 5}}, {"id": 2, "user": {"id": 5}})
    assert over == ([], [Refusal("id", "OVER_BROAD")])


def test_mark_denoised_adds_drifting_fields_and_headers(capsys: pytest.CaptureFixture[str]) -> None:
    case = _case({"count": 1, "values": [1]}, header={"X-Hit": "1", "Server": "s"})
    again = _case({"count": 2, "values": [1, 2]}, header={"X-Hit": "2", "Server": "s"}).response
    mark_denoised(case, again)
    assert case.noise == {"header.X-Hit": [], "body.count": []}
    assert "not noising body.values (ARRAY_LENGTH)" in capsys.readouterr().err
    text = _case("plain 1")
    mark_denoised(text, _case("plain 2").response)
    assert text.noise == {}
    assert "body is not JSON" in capsys.readouterr().err


def test_dedup_signature_ignores_ids_and_values_but_not_shapes() -> None:
    assert path_template("/items/42/parts/123e4567-e89b-12d3-a456-426614174000") == (
        "/items/{id}/parts/{id}"
    )
    one = _case({"id": 1, "name": "a"}, url="http://h/items/1?x=1")
    two = _case({"id": 2, "name": "b"}, url="http://h/items/2?x=9")
    other_shape = _case({"id": 2}, url="http://h/items/2?x=9")
    other_query = _case({"id": 2, "name": "b"}, url="http://h/items/2?y=9")
    assert case_signature(one) == case_signature(two)
    assert case_signature(one) != case_signature(other_shape)
    assert case_signature(one) != case_signature(other_query)


def test_epoch_detection_uses_the_current_time_by_default() -> None:
    assert is_volatile(time.time())
