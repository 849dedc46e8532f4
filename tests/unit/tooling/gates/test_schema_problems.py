"""check-jsonschema's JSON report becomes problem lines per file; other output is kept whole."""

from __future__ import annotations

import json

from tta_tooling.gates.ci_config import _schema_problems


def test_errors_and_parse_errors_are_grouped_by_file() -> None:
    report = {
        "status": "fail",
        "errors": [
            {"filename": "a.yml", "path": "$.x", "message": "bad"},
            {
                "filename": "a.yml",
                "path": "$.y",
                "message": "not valid under any",
                "best_deep_match": {"path": "$.y.z", "message": "3 is not of type 'string'"},
            },
        ],
        "parse_errors": [{"filename": "b.yml", "message": "Failed to parse b.yml"}],
    }
    assert _schema_problems(json.dumps(report), "*.yml") == {
        "b.yml": ["Failed to parse b.yml"],
        "a.yml": [
            "$.x: bad",
            "$.y: not valid under any (most specific: $.y.z: 3 is not of type 'string')",
        ],
    }


def test_output_that_is_not_the_json_report_is_kept_under_the_pattern() -> None:
    assert _schema_problems("Traceback (most recent call last): boom", "*.yml") == {
        "*.yml": ["Traceback (most recent call last): boom"]
    }
    assert _schema_problems('{"errors": [{"filename": "a.yml"}]}', "*.yml") == {
        "*.yml": ['{"errors": [{"filename": "a.yml"}]}']
    }
    assert _schema_problems('{"status": "fail"}', "*.yml") == {"*.yml": ['{"status": "fail"}']}
