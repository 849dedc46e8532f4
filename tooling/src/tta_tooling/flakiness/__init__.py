"""The flakiness gate: the suites run N times in random order (pytest-randomly, seeds
recorded); per test how often it failed, the flake rate, and a red verdict when any test
changed outcome between runs."""

from tta_tooling.flakiness.analysis import Run, Summary, TestRecord, summarize
from tta_tooling.flakiness.junit import read_outcomes
from tta_tooling.flakiness.report import as_json, as_markdown, write_json
from tta_tooling.flakiness.runner import new_seed, run_once

__all__ = [
    "Run",
    "Summary",
    "TestRecord",
    "as_json",
    "as_markdown",
    "new_seed",
    "read_outcomes",
    "run_once",
    "summarize",
    "write_json",
]
