"""Keploy's verdict on every scenario of scenarios/verdicts.yaml, and strict mode's deviations.

Each scenario names the keploy/keploy v3.6.23 source that decides it; keploy mode must
report exactly Keploy's failed fields, strict mode exactly the documented deviations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from keploy_framework.compare import compare
from keploy_framework.config import load_config
from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase

SCENARIOS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "scenarios" / "verdicts.yaml").read_text(encoding="utf-8")
)
# Deviations strict mode may show (packages/keploy-framework/README.md, "Strict mode").
STRICT_DEVIATIONS = {"text bodies", "array order", "exact numbers", "added fields"}


def _response(side: dict[str, Any], header: dict[str, str]) -> HttpResponse:
    return HttpResponse(
        status_code=side.get("status", 200),
        header=dict(side.get("header", header)),
        body=side.get("body", ""),
        timestamp="2026-12-07T01:00:00Z",
    )


def failed_fields(scenario: dict[str, Any], mode: str, tmp_path: Path) -> list[str]:
    """The failed fields of ``scenario`` replayed in ``mode`` (empty when it passes)."""
    section = {**scenario.get("config", {}), "mode": mode}
    config_file = tmp_path / f"{mode}.yml"
    config_file.write_text(yaml.safe_dump({"config": section}), encoding="utf-8")
    config = load_config(config_file)
    recorded = scenario["recorded"]
    expected = _response(recorded, {})
    request = HttpRequest("GET", "http://127.0.0.1:8000/x", {}, "", "2026-12-07T01:00:00Z")
    case = TestCase("test-1", request, expected, noise=dict(recorded.get("noise", {})))
    live = _response(scenario["live"], expected.header)
    test_set = scenario.get("test_set", "test-set-0")
    comparison = compare(case, live, config.noise_for(test_set), config.match_options())
    result = comparison.result
    fields = [] if result["status_code"]["normal"] else ["status_code"]
    fields += [] if all(b["normal"] for b in result["body_result"]) else ["body"]
    fields += [
        f"header.{h['expected']['key']}" for h in result["headers_result"] if not h["normal"]
    ]
    assert comparison.passed == (not fields), (comparison.passed, fields)
    return fields


def test_the_suite_is_large_and_every_scenario_cites_keploy() -> None:
    assert len(SCENARIOS) >= 60
    assert len({s["id"] for s in SCENARIOS}) == len(SCENARIOS)
    assert all(s.get("source") and "keploy" in s for s in SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_keploy_mode_gives_keploys_verdict(scenario: dict[str, Any], tmp_path: Path) -> None:
    assert sorted(failed_fields(scenario, "keploy", tmp_path)) == sorted(scenario["keploy"])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_strict_mode_differs_only_where_documented(
    scenario: dict[str, Any], tmp_path: Path
) -> None:
    expected = scenario.get("strict", scenario["keploy"])
    assert sorted(failed_fields(scenario, "strict", tmp_path)) == sorted(expected)
