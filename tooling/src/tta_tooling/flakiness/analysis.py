"""From N runs' outcomes to a verdict: per test how often it failed, which tests changed
outcome between runs, and the suite's flake rate (flaky tests / tests, in percent)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Run", "Summary", "TestRecord", "summarize"]

MISSING = "missing"


@dataclass(frozen=True)
class Run:
    """One randomized run: its pytest-randomly seed and each test's outcome."""

    seed: int
    outcomes: dict[str, str]


@dataclass(frozen=True)
class TestRecord:
    """One test across the runs (``outcomes`` in run order; ``missing`` if not collected)."""

    __test__ = False  # not a pytest test class

    name: str
    outcomes: tuple[str, ...]

    @property
    def failures(self) -> int:
        return self.outcomes.count("failed")

    @property
    def flaky(self) -> bool:
        """True when the outcome changed between runs."""
        return len(set(self.outcomes)) > 1


@dataclass(frozen=True)
class Summary:
    """The verdict over all runs."""

    seeds: tuple[int, ...]
    tests: tuple[TestRecord, ...]

    @property
    def flaky(self) -> list[TestRecord]:
        return [t for t in self.tests if t.flaky]

    @property
    def always_failing(self) -> list[TestRecord]:
        return [t for t in self.tests if not t.flaky and t.failures]

    @property
    def flake_rate(self) -> float:
        """Percentage of tests whose outcome changed between runs."""
        return 100.0 * len(self.flaky) / len(self.tests) if self.tests else 0.0


def summarize(runs: Sequence[Run]) -> Summary:
    """Combine ``runs`` test by test, sorted by name."""
    names = sorted({name for run in runs for name in run.outcomes})
    records = tuple(
        TestRecord(name, tuple(run.outcomes.get(name, MISSING) for run in runs)) for name in names
    )
    return Summary(tuple(run.seed for run in runs), records)
