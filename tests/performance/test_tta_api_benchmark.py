"""tta-api's cached workflow run against a bare FastAPI endpoint, measured in the same run.

Both go through httpx's ASGI transport in one event loop, rounds interleaved
(``conftest.Bench``). The service answers ``POST /api/v1/workflows/smart-answer/run``
from its cache, with observability on (spans, Prometheus metrics, request
telemetry); the floor is a FastAPI app whose POST endpoint returns a constant.
Each round times a batch of each (order alternating); the median of the
per-round ratios must stay <= 3x, so a load spike hitting one round moves
one ratio, not the verdict.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
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
ROUNDS = 31
RUN = "/api/v1/workflows/smart-answer/run"
BODY = {"prompt": "What is the capital of France?"}


def _bare_app() -> FastAPI:
    app = FastAPI()

    @app.post(RUN)
    async def constant() -> dict[str, str]:
        return {"output": "constant"}

    return app


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
        bench.per_call_ns(cached_run, BATCH)
        bench.per_call_ns(constant, BATCH)
    ratios: list[float] = []
    service_ns: list[float] = []
    floor_ns: list[float] = []
    for index in range(ROUNDS):
        pair = (cached_run, constant) if index % 2 else (constant, cached_run)
        timed = {call: bench.per_call_ns(call, BATCH) for call in pair}
        service_ns.append(timed[cached_run])
        floor_ns.append(timed[constant])
        ratios.append(timed[cached_run] / timed[constant])
    ratio = statistics.median(ratios)
    benchmark.group = "tta-api"
    benchmark.extra_info.update(
        {
            "median_ratio": round(ratio, 3),
            "service_median_us": round(statistics.median(service_ns) / 1000, 1),
            "floor_median_us": round(statistics.median(floor_ns) / 1000, 1),
            "rounds": ROUNDS,
            "calls_per_round": BATCH,
        }
    )
    benchmark.pedantic(bench.batch(cached_run, BATCH), rounds=10, iterations=1, warmup_rounds=1)
    assert ratio <= LIMIT, (
        f"cached run: the median per-round ratio to a bare FastAPI endpoint is {ratio:.2f}x "
        f"({statistics.median(service_ns) / 1000:.0f} us vs "
        f"{statistics.median(floor_ns) / 1000:.0f} us per request); the target is <= {LIMIT}x"
    )
