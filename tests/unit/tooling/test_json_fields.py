"""Fields of the JSON reports: the value back when its type fits, else one InputError naming
the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.json_fields import json_object, json_seconds, json_string

REPORT = Path("report.json")


def test_values_of_the_expected_type_come_back() -> None:
    assert json_object(REPORT, "a", {"b": 1}) == {"b": 1}
    assert json_string(REPORT, "a.name", "lint") == "lint"
    assert json_string(REPORT, "a.result", "", empty=True) == ""
    assert json_seconds(REPORT, "a.duration", 2) == 2.0


@pytest.mark.parametrize(
    ("value", "message"),
    [(1.5, "field 'a.name' must be a non-empty string"), ("", "must be a non-empty string")],
)
def test_a_name_must_be_a_non_empty_string(value: object, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        json_string(REPORT, "a.name", value)
    assert str(raised.value).startswith("report.json: ")


@pytest.mark.parametrize("value", [True, "1", float("nan"), float("inf"), -0.5, None])
def test_seconds_are_a_finite_number_not_below_zero(value: object) -> None:
    with pytest.raises(InputError, match=r"field 'a\.duration' must be a finite number of seconds"):
        json_seconds(REPORT, "a.duration", value)


def test_an_object_is_a_json_object() -> None:
    with pytest.raises(InputError, match="field 'a' must be an object"):
        json_object(REPORT, "a", [1])
