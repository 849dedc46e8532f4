"""tta-api's cached workflow run against a bare FastAPI endpoint, measured in the same run.

Both go through httpx's ASGI transport in one event loop. The service answers
``POST /api/v1/workflows/smart-answer/run`` from its cache, with observability
on (spans, Prometheus metrics, request telemetry); the floor is a FastAPI app
whose POST endpoint returns a constant. Requests are timed in back-to-back
pairs (one of each, order alternating), so both sides of a pair see the same
machine load; the median of the per-pair ratios must stay <= 3x, so a load
spike hitting a few pairs moves a few ratios, not the verdict.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from observability_integration import shutdown_observability
from tta_api import Settings, create_app

from .conftest import Bench

LIMIT = 3.0
BATCH = 40
PAIRS = 1500
RUN = "/api/v1/workflows/smart-answer/run"
BODY = {"prompt": "What is the capital of France?"}


def _bare_app() -> FastAPI:
    # FastAPI's own telemetry turns itself on once process-wide OpenTelemetry
    # providers exist; the floor stays bare whatever the process has set up.
    app = FastAPI(telemetry={"tracing": False, "metrics": False, "logs": False})

    @app.post(RUN)
    async def constant() -> dict[str, str]:
        return {"output": "constant"}

    return app


async def _paired_ns(
    first: Callable[[], Awaitable[None]], second: Callable[[], Awaitable[None]], pairs: int
) -> tuple[list[int], list[int]]:
    """Per-request nanoseconds of ``first`` and ``second``, timed back to back in pairs."""
    clock = time.perf_counter_ns
    first_ns: list[int] = []
    second_ns: list[int] = []
    for index in range(pairs):
        order = ((first, first_ns), (second, second_ns))
        for call, sink in order if index % 2 else order[::-1]:
            started = clock()
            await call()
            sink.append(clock() - started)
    return first_ns, second_ns


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")


@pytest.fixture
def clients(bench: Bench) -> Iterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    shutdown_observability()
    values: dict[str, Any] = {"TTA_OBSERVABILITY": "on", "REDIS_URL": None}
    service = create_app(Settings(**values, TTA_MODELS_FILE=None))
    stack = AsyncExitStack()

    async def start() -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
        await stack.enter_async_context(service.router.lifespan_context(service))
        service_client = await stack.enter_async_context(_client(service))
        bare_client = await stack.enter_async_context(_client(_bare_app()))
        return service_client, bare_client

    try:
        yield bench.loop.run_until_complete(start())
    finally:
        bench.loop.run_until_complete(stack.aclose())
        shutdown_observability()


def test_cached_workflow_run_vs_bare_fastapi(
    benchmark: Any, bench: Bench, clients: tuple[httpx.AsyncClient, httpx.AsyncClient]
) -> None:
    service, bare = clients

    async def cached_run() -> None:
        response = await service.post(RUN, json=BODY)
        assert response.json()["cache_hit"] is True

    async def constant() -> None:
        response = await bare.post(RUN, json=BODY)
        assert response.status_code == 200

    first = bench.loop.run_until_complete(service.post(RUN, json=BODY))
    assert first.json()["cache_hit"] is False
    for _ in range(3):  # warm up both paths
        bench.per_call_ns(cached_run, 50)
        bench.per_call_ns(constant, 50)
    service_ns, floor_ns = bench.loop.run_until_complete(_paired_ns(cached_run, constant, PAIRS))
    ratios = [s / f for s, f in zip(service_ns, floor_ns, strict=True)]
    ratio = statistics.median(ratios)
    benchmark.group = "tta-api"
    benchmark.extra_info.update(
        {
            "median_ratio": round(ratio, 3),
            "service_median_us": round(statistics.median(service_ns) / 1000, 1),
            "floor_median_us": round(statistics.median(floor_ns) / 1000, 1),
            "pairs": PAIRS,
        }
    )
    benchmark.pedantic(bench.batch(cached_run, BATCH), rounds=10, iterations=1, warmup_rounds=1)
    assert ratio <= LIMIT, (
        f"cached run: the median per-round ratio to a bare FastAPI endpoint is {ratio:.2f}x "
        f"({statistics.median(service_ns) / 1000:.0f} us vs "
        f"{statistics.median(floor_ns) / 1000:.0f} us per request); the target is <= {LIMIT}x"
    )
