"""Timing helpers for the primitive benchmarks: ratios against a floor measured in the same run."""

from __future__ import annotations

import asyncio
import gc
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tta_tooling.perf.benchmark_summary import summarize

CallFactory = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Comparison:
    """Median per-call nanoseconds of a primitive and of its bare-asyncio floor."""

    primitive_ns: float
    floor_ns: float
    calls_per_round: int
    rounds: int

    @property
    def ratio(self) -> float:
        return self.primitive_ns / self.floor_ns

    def as_info(self) -> dict[str, float | int]:
        return {
            "primitive_median_ns": round(self.primitive_ns, 1),
            "floor_median_ns": round(self.floor_ns, 1),
            "ratio": round(self.ratio, 3),
            "calls_per_round": self.calls_per_round,
            "rounds": self.rounds,
        }


class Bench:
    """Runs batches of awaits in one long-lived event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def batch(self, call: CallFactory, calls: int) -> Callable[[], None]:
        """A sync function awaiting ``call()`` ``calls`` times in the loop."""

        async def run() -> None:
            for _ in range(calls):
                await call()

        def drive() -> None:
            self.loop.run_until_complete(run())

        return drive

    def per_call_ns(self, call: CallFactory, calls: int) -> float:
        drive = self.batch(call, calls)
        start = time.perf_counter_ns()
        drive()
        return (time.perf_counter_ns() - start) / calls

    def compare(
        self,
        primitive: CallFactory,
        floor: CallFactory,
        *,
        rounds: int = 60,
        target_round_ns: float = 2_000_000,
    ) -> Comparison:
        """Median per-call time of ``primitive`` and ``floor``, rounds interleaved."""
        for _ in range(3):  # warm up both paths
            self.per_call_ns(primitive, 200)
            self.per_call_ns(floor, 200)
        calls = max(50, int(target_round_ns / self.per_call_ns(primitive, 500)))
        primitive_ns: list[float] = []
        floor_ns: list[float] = []
        gc.collect()
        for index in range(rounds):
            if index % 2:
                primitive_ns.append(self.per_call_ns(primitive, calls))
                floor_ns.append(self.per_call_ns(floor, calls))
            else:
                floor_ns.append(self.per_call_ns(floor, calls))
                primitive_ns.append(self.per_call_ns(primitive, calls))
        return Comparison(
            statistics.median(primitive_ns), statistics.median(floor_ns), calls, rounds
        )

    def latencies_ns(self, call: CallFactory, calls: int) -> list[int]:
        """Per-call latencies of ``calls`` sequential awaits."""
        latencies: list[int] = []
        clock = time.perf_counter_ns

        async def run() -> None:
            for _ in range(calls):
                start = clock()
                await call()
                latencies.append(clock() - start)

        self.loop.run_until_complete(run())
        return latencies


@pytest.fixture
def bench() -> Iterator[Bench]:
    loop = asyncio.new_event_loop()
    try:
        yield Bench(loop)
    finally:
        loop.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "regression_benchmark: a pytest-benchmark recording the perf-regression gate "
        "compares against the baseline commit",
    )


def _results(config: pytest.Config) -> Path | None:
    """The ``--benchmark-json`` file of this run, if one is asked for."""
    results = config.getoption("benchmark_json", default=None)
    return Path(results) if results else None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remove an earlier run's results: the summary must never show them."""
    results = _results(session.config)
    if results is not None:
        results.unlink(missing_ok=True)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Each benchmark's median and reported figures (``tta_tooling.perf.benchmark_summary``).

    pytest-benchmark has written the file by now (its ``pytest_sessionfinish``); the
    table is printed after a failed benchmark too: its figures explain the failure.
    """
    results = _results(config)
    if results is not None and results.exists():
        terminalreporter.write_sep("-", f"benchmark summary ({results})")
        terminalreporter.write_line(summarize(results))


def pytest_benchmark_generate_machine_info() -> dict[str, object]:
    """pytest-benchmark's machine description without py-cpuinfo's slow probing subprocess."""
    return {
        "node": platform.node(),
        "processor": platform.processor(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python_implementation": platform.python_implementation(),
        "python_version": platform.python_version(),
        "release": platform.release(),
        "system": platform.system(),
    }
