"""Per-call cost of each primitive: a ratio to its bare-asyncio floor, and a recording for the gate.

``test_<case>_performance`` times the primitive and the hand-written asyncio
equivalent with interleaved rounds in one event loop (see ``conftest.Bench``)
and asserts the ratio of medians. ``test_benchmark[<case>]`` records the
primitive with pytest-benchmark plus its per-call p95 latency. One round is
``calls_per_round`` awaited calls, about 60 us: much shorter than a scheduler
time slice, so on a loaded machine most rounds run uninterrupted and their
median stays put; the ``perf-regression`` gate runs these recordings for the
baseline and the current tree in alternating rounds and reports the latency SLO
and the coefficient of variation. No test here asserts an absolute time.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from tta_dev_primitives import (
    CachePrimitive,
    LambdaPrimitive,
    ParallelPrimitive,
    RetryPrimitive,
    RouterPrimitive,
    SequentialPrimitive,
    TimeoutPrimitive,
    WorkflowContext,
)

ROUNDS = 200
LATENCY_CALLS = 2_000

Call = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class Case:
    """One primitive call, its floor, the largest accepted ratio of the two, calls per round."""

    what: str
    primitive: Call
    floor: Call
    limit: float
    calls_per_round: int


async def _step_f(x: int) -> int:
    return x + 1


async def _step_g(x: int) -> int:
    return x * 2


async def _step_h(x: int) -> int:
    return x - 1


def sequential(_loop: asyncio.AbstractEventLoop) -> Case:
    ctx = WorkflowContext("bench", "bench")
    chain: SequentialPrimitive[int, int] = SequentialPrimitive(
        [LambdaPrimitive(_step_f), LambdaPrimitive(_step_g), LambdaPrimitive(_step_h)]
    )

    async def floor() -> int:
        return await _step_h(await _step_g(await _step_f(1)))

    return Case(
        "SequentialPrimitive of 3 async steps", lambda: chain.execute(1, ctx), floor, 5.0, 100
    )


def parallel(_loop: asyncio.AbstractEventLoop) -> Case:
    ctx = WorkflowContext("bench", "bench")
    fan: ParallelPrimitive[int, int] = ParallelPrimitive(
        [LambdaPrimitive(_step_f), LambdaPrimitive(_step_g), LambdaPrimitive(_step_h)]
    )

    async def floor() -> tuple[int, int, int]:
        return await asyncio.gather(_step_f(1), _step_g(1), _step_h(1))

    return Case(
        "ParallelPrimitive of 3 branches vs asyncio.gather",
        lambda: fan.execute(1, ctx),
        floor,
        1.3,
        5,
    )


def cache(loop: asyncio.AbstractEventLoop) -> Case:
    ctx = WorkflowContext("bench", "bench")
    primitive: CachePrimitive[str, str] = CachePrimitive(
        LambdaPrimitive(str.upper), key_fn=lambda text, _ctx: text
    )
    loop.run_until_complete(primitive.execute("prompt", ctx))  # every timed call is a hit
    table = {"prompt": "PROMPT"}

    async def floor() -> str:
        return table["prompt"]

    return Case(
        "CachePrimitive in-memory hit vs a dict lookup in an async function",
        lambda: primitive.execute("prompt", ctx),
        floor,
        8.0,
        200,
    )


def _choose(x: int, _ctx: WorkflowContext | None = None) -> str:
    return "small" if x < 10 else "large"


def router(_loop: asyncio.AbstractEventLoop) -> Case:
    ctx = WorkflowContext("bench", "bench")
    primitive: RouterPrimitive[int, int] = RouterPrimitive(
        {"small": LambdaPrimitive(_step_f), "large": LambdaPrimitive(_step_g)}, _choose
    )
    table = {"small": _step_f, "large": _step_g}

    def call() -> Awaitable[int]:
        ctx.route_decisions.clear()
        return primitive.execute(1, ctx)

    async def floor() -> int:
        return await table[_choose(1)](1)

    return Case("RouterPrimitive vs dict dispatch", call, floor, 5.0, 100)


def retry(_loop: asyncio.AbstractEventLoop) -> Case:
    ctx = WorkflowContext("bench", "bench")
    primitive: RetryPrimitive[int, int] = RetryPrimitive(LambdaPrimitive(_step_f), max_attempts=3)
    return Case(
        "RetryPrimitive succeeding first time vs a direct await",
        lambda: primitive.execute(1, ctx),
        lambda: _step_f(1),
        4.0,
        200,
    )


def timeout(_loop: asyncio.AbstractEventLoop) -> Case:
    ctx = WorkflowContext("bench", "bench")
    primitive: TimeoutPrimitive[int, int] = TimeoutPrimitive(LambdaPrimitive(_step_f), 5.0)

    async def floor() -> int:
        async with asyncio.timeout(5.0):
            return await _step_f(1)

    return Case(
        "TimeoutPrimitive vs a bare asyncio.timeout block",
        lambda: primitive.execute(1, ctx),
        floor,
        1.3,
        20,
    )


CASES: dict[str, Callable[[asyncio.AbstractEventLoop], Case]] = {
    "sequential": sequential,
    "parallel": parallel,
    "cache": cache,
    "router": router,
    "retry": retry,
    "timeout": timeout,
}


ATTEMPTS = 3


def _check_ratio(bench: Any, case_name: str) -> None:
    """The primitive's ratio to its floor meets the target in one of ``ATTEMPTS`` comparisons.

    Another process on a 2-core machine slows the primitive's rounds more than the
    floor's (it shares the caches the larger code path needs): one comparison beside
    a full gate run measured ParallelPrimitive at 1.71x, the four around it 1.06-1.19x.
    A slowdown of the primitive itself fails every attempt; the failure lists them all.
    """
    case = CASES[case_name](bench.loop)
    failed: list[str] = []
    for _ in range(ATTEMPTS):
        comparison = bench.compare(case.primitive, case.floor)
        if comparison.ratio <= case.limit:
            return
        failed.append(
            f"{comparison.primitive_ns:.0f} ns per call is {comparison.ratio:.2f}x "
            f"the floor ({comparison.floor_ns:.0f} ns)"
        )
    pytest.fail(f"{case.what}: {'; '.join(failed)}; the target is <= {case.limit}x", pytrace=False)


def test_sequential_performance(bench: Any) -> None:
    _check_ratio(bench, "sequential")


def test_parallel_performance(bench: Any) -> None:
    _check_ratio(bench, "parallel")


def test_cache_performance(bench: Any) -> None:
    _check_ratio(bench, "cache")


def test_router_performance(bench: Any) -> None:
    _check_ratio(bench, "router")


def test_retry_performance(bench: Any) -> None:
    _check_ratio(bench, "retry")


def test_timeout_performance(bench: Any) -> None:
    _check_ratio(bench, "timeout")


@pytest.mark.regression_benchmark
@pytest.mark.parametrize("case_name", sorted(CASES))
def test_benchmark(benchmark: Any, bench: Any, case_name: str) -> None:
    case = CASES[case_name](bench.loop)
    latencies = bench.latencies_ns(case.primitive, LATENCY_CALLS)
    benchmark.group = case_name
    benchmark.extra_info.update(
        {
            "calls_per_round": case.calls_per_round,
            "p95_ns": statistics.quantiles(latencies, n=100)[94],
        }
    )
    benchmark.pedantic(
        bench.batch(case.primitive, case.calls_per_round),
        rounds=ROUNDS,
        iterations=1,
        warmup_rounds=10,
    )
