"""Per-call cost of each primitive as a ratio to its bare-asyncio floor, measured in the same run.

Each test times the primitive and the hand-written asyncio equivalent with
interleaved rounds in one event loop (see ``conftest.Bench``), asserts the
ratio of medians, and records the primitive with pytest-benchmark for the
regression baseline (one round = ``BATCH`` awaited calls).
"""

from __future__ import annotations

import asyncio
import statistics
from typing import Any

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

BATCH = 100
ROUNDS = 200


async def step_f(x: int) -> int:
    return x + 1


async def step_g(x: int) -> int:
    return x * 2


async def step_h(x: int) -> int:
    return x - 1


def record(benchmark: Any, bench: Any, group: str, call: Any, comparison: Any) -> None:
    benchmark.group = group
    benchmark.extra_info.update(comparison.as_info())
    benchmark.extra_info["calls_per_benchmark_round"] = BATCH
    benchmark.pedantic(bench.batch(call, BATCH), rounds=ROUNDS, iterations=1, warmup_rounds=5)


def check(comparison: Any, limit: float, what: str) -> None:
    assert comparison.ratio <= limit, (
        f"{what}: {comparison.primitive_ns:.0f} ns per call is {comparison.ratio:.2f}x "
        f"the floor ({comparison.floor_ns:.0f} ns); the target is <= {limit}x"
    )


def test_sequential_primitive_performance(benchmark, bench):
    ctx = WorkflowContext("bench", "bench")
    chain = SequentialPrimitive(
        [LambdaPrimitive(step_f), LambdaPrimitive(step_g), LambdaPrimitive(step_h)]
    )

    def primitive() -> Any:
        return chain.execute(1, ctx)

    async def floor() -> int:
        return await step_h(await step_g(await step_f(1)))

    comparison = bench.compare(primitive, floor)
    latencies = bench.latencies_ns(primitive, 20_000)
    p95 = statistics.quantiles(latencies, n=100)[94]
    benchmark.extra_info["p95_ns"] = p95
    record(benchmark, bench, "sequential", primitive, comparison)
    check(comparison, 5.0, "SequentialPrimitive of 3 async steps")
    assert p95 < 20_000, f"p95 of a 3-step SequentialPrimitive is {p95:.0f} ns (target < 20 us)"


def test_parallel_primitive_performance(benchmark, bench):
    ctx = WorkflowContext("bench", "bench")
    fan = ParallelPrimitive(
        [LambdaPrimitive(step_f), LambdaPrimitive(step_g), LambdaPrimitive(step_h)]
    )

    def primitive() -> Any:
        return fan.execute(1, ctx)

    async def floor() -> tuple[int, int, int]:
        return await asyncio.gather(step_f(1), step_g(1), step_h(1))

    comparison = bench.compare(primitive, floor)
    record(benchmark, bench, "parallel", primitive, comparison)
    check(comparison, 1.3, "ParallelPrimitive of 3 branches vs asyncio.gather")


def test_cache_primitive_performance(benchmark, bench):
    ctx = WorkflowContext("bench", "bench")
    cache = CachePrimitive(LambdaPrimitive(str.upper), key_fn=lambda text, _ctx: text)
    bench.loop.run_until_complete(cache.execute("prompt", ctx))
    table = {"prompt": "PROMPT"}

    async def lookup(key: str) -> str:
        return table[key]

    def primitive() -> Any:
        return cache.execute("prompt", ctx)

    def floor() -> Any:
        return lookup("prompt")

    comparison = bench.compare(primitive, floor)
    record(benchmark, bench, "cache", primitive, comparison)
    assert cache.stats.misses == 1
    check(comparison, 8.0, "CachePrimitive in-memory hit vs a dict lookup in an async function")


def test_router_primitive_performance(benchmark, bench):
    ctx = WorkflowContext("bench", "bench")

    def choose(x: int, _ctx: WorkflowContext | None = None) -> str:
        return "small" if x < 10 else "large"

    router = RouterPrimitive(
        {"small": LambdaPrimitive(step_f), "large": LambdaPrimitive(step_g)}, choose
    )
    table = {"small": step_f, "large": step_g}

    def primitive() -> Any:
        ctx.route_decisions.clear()
        return router.execute(1, ctx)

    async def floor() -> int:
        return await table[choose(1)](1)

    comparison = bench.compare(primitive, floor)
    record(benchmark, bench, "router", primitive, comparison)
    check(comparison, 5.0, "RouterPrimitive vs dict dispatch")


def test_retry_primitive_performance(benchmark, bench):
    ctx = WorkflowContext("bench", "bench")
    retry = RetryPrimitive(LambdaPrimitive(step_f), max_attempts=3)

    def primitive() -> Any:
        return retry.execute(1, ctx)

    def floor() -> Any:
        return step_f(1)

    comparison = bench.compare(primitive, floor)
    record(benchmark, bench, "retry", primitive, comparison)
    check(comparison, 4.0, "RetryPrimitive succeeding first time vs a direct await")


def test_timeout_primitive_performance(benchmark, bench):
    ctx = WorkflowContext("bench", "bench")
    timeout = TimeoutPrimitive(LambdaPrimitive(step_f), 5.0)

    def primitive() -> Any:
        return timeout.execute(1, ctx)

    async def floor() -> int:
        async with asyncio.timeout(5.0):
            return await step_f(1)

    comparison = bench.compare(primitive, floor)
    record(benchmark, bench, "timeout", primitive, comparison)
    check(comparison, 1.3, "TimeoutPrimitive vs a bare asyncio.timeout block")
