"""From runs to a verdict: failures per test, outcome changes, flake rate."""

from __future__ import annotations

import pytest
from tta_tooling.flakiness import Run, as_json, as_markdown, summarize


def test_a_test_that_changes_outcome_is_flaky_and_counts_its_failures() -> None:
    summary = summarize(
        [
            Run(1, {"m::a": "passed", "m::b": "passed", "m::c": "failed"}),
            Run(2, {"m::a": "failed", "m::b": "passed", "m::c": "failed"}),
            Run(3, {"m::a": "passed", "m::b": "passed", "m::c": "failed"}),
            Run(4, {"m::a": "passed", "m::b": "passed", "m::c": "failed"}),
        ]
    )
    assert [t.name for t in summary.flaky] == ["m::a"]
    assert summary.flaky[0].failures == 1
    assert [t.name for t in summary.always_failing] == ["m::c"]
    assert summary.flake_rate == pytest.approx(100 / 3)
    assert summary.seeds == (1, 2, 3, 4)


def test_a_test_missing_from_one_run_changed_outcome() -> None:
    summary = summarize([Run(1, {"m::a": "passed"}), Run(2, {})])
    assert [t.outcomes for t in summary.flaky] == [("passed", "missing")]


def test_skipped_to_passed_is_a_change() -> None:
    summary = summarize([Run(1, {"m::a": "skipped"}), Run(2, {"m::a": "passed"})])
    assert summary.flake_rate == 100.0


def test_stable_runs_have_no_flakes_and_an_empty_table() -> None:
    summary = summarize([Run(7, {"m::a": "passed"}), Run(8, {"m::a": "passed"})])
    assert summary.flake_rate == 0.0
    assert as_json(summary)["failing"] == []
    assert "|" not in as_markdown(summary)
    assert "flake rate 0.00 %; seeds 7, 8" in as_markdown(summary)


def test_no_tests_means_no_flake_rate_rather_than_a_division_error() -> None:
    assert summarize([Run(1, {}), Run(2, {})]).flake_rate == 0.0
