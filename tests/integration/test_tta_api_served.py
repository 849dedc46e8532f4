"""tta-api served for real: uvicorn (``python -m tta_api``) in a subprocess on a free port.

Every endpoint is called over loopback; ``/metrics`` must parse with
prometheus_client's parser and hold the primitives' and the HTTP families;
SIGTERM must let an in-flight request finish and exit 0 within 5 seconds.
A second test stops Redis mid-run: requests keep succeeding from memory,
``/health`` says degraded and the fallback is counted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from observability_integration import shutdown_observability
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis
from tta_api import Settings, create_app

from ..common.ports import free_port
from .conftest import RedisServer

pytestmark = pytest.mark.integration

START_TIMEOUT_SECONDS = 60.0
SHUTDOWN_BUDGET_SECONDS = 5.0
WORKFLOWS = ["smart-answer", "resilient-answer", "bounded-answer", "panel-answer"]


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str


@pytest.fixture
def served(redis_url: str) -> Iterator[Served]:
    """``python -m tta_api`` (uvicorn) on a free port, using ``redis_url``; killed if still up."""
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "TTA_OBSERVABILITY": "on",
        "TTA_WORKFLOW_TIMEOUT_SECONDS": "3",
    }
    env.pop("TTA_MODELS_FILE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tta_api", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, url)
        yield Served(process, url)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def _wait_until_healthy(process: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"uvicorn exited with {process.returncode}:\n{output}", pytrace=False)
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"tta-api did not answer /health within {START_TIMEOUT_SECONDS} s")


def _sample_total(text: str, family: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for metric in text_string_to_metric_families(text)
        if metric.name == family
        for sample in metric.samples
        if sample.name == f"{family}_total"
    }


def test_every_endpoint_over_http_then_sigterm_exits_0(served: Served) -> None:
    prompt = f"What is cached for run {uuid.uuid4().hex}?"
    with httpx.Client(base_url=served.url, timeout=10) as client:
        health = client.get("/health").json()
        assert health["status"] == "ok"
        assert health["dependencies"] == {"redis": "ok", "observability": "on"}

        listed = client.get("/api/v1/workflows").json()["workflows"]
        assert [w["name"] for w in listed] == WORKFLOWS

        for name in WORKFLOWS:
            response = client.post(f"/api/v1/workflows/{name}/run", json={"prompt": prompt})
            assert response.status_code == 200, response.text
            assert len(response.json()["trace_id"]) == 32
        again = client.post("/api/v1/workflows/smart-answer/run", json={"prompt": prompt})
        assert again.json()["cache_hit"] is True

        route = client.post("/api/v1/route", json={"prompt": prompt}).json()
        assert route["model"] == again.json()["model"]

        stats = client.get("/api/v1/cache/stats").json()
        assert stats["backend"] == "redis"
        assert stats["hits"] == 1
        assert stats["redis_fallbacks"] == 0

        assert client.post("/api/v1/workflows/nope/run", json={"prompt": "x"}).status_code == 404
        assert client.post("/api/v1/route", json={}).status_code == 422
        traced = client.post(
            "/api/v1/route",
            json={"prompt": "x"},
            headers={"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
        )
        w3c_example_trace_id = "0af7651916cd43dd8448eb211c80319c"  # pragma: allowlist secret
        assert traced.headers["x-trace-id"] == w3c_example_trace_id

        exposition = client.get("/metrics")
        assert exposition.status_code == 200
        families = {f.name for f in text_string_to_metric_families(exposition.text)}
        for family in (
            "tta_primitive_executions",
            "tta_primitive_duration_seconds",
            "tta_cache_hits",
            "tta_router_decisions",
            "tta_http_requests",
            "tta_http_request_duration_seconds",
        ):
            assert family in families, family
        requests = _sample_total(exposition.text, "tta_http_requests")
        run_ok = (("method", "POST"), ("route", "/api/v1/workflows/{name}/run"))
        assert requests[(*run_ok, ("status_code", "200"))] == 5

        with ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(
                client.post,
                "/api/v1/workflows/bounded-answer/run",
                json={"prompt": prompt, "extra_latency_ms": 1000},
            )
            time.sleep(0.3)
            started = time.monotonic()
            served.process.send_signal(signal.SIGTERM)
            assert in_flight.result(timeout=10).status_code == 200
    assert served.process.wait(timeout=SHUTDOWN_BUDGET_SECONDS) == 0
    assert time.monotonic() - started < SHUTDOWN_BUDGET_SECONDS


@asynccontextmanager
async def _serve_in_process(redis_url: str) -> AsyncIterator[httpx.AsyncClient]:
    values: dict[str, Any] = {"REDIS_URL": redis_url, "TTA_OBSERVABILITY": "on"}
    app = create_app(Settings(**values, TTA_MODELS_FILE=None))
    shutdown_observability()
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://tta-api") as client:
                yield client
    finally:
        shutdown_observability()


async def test_redis_outage_mid_run_falls_back_to_memory(disposable_redis: RedisServer) -> None:
    prompt = f"outage {uuid.uuid4().hex}"
    run = "/api/v1/workflows/smart-answer/run"
    async with _serve_in_process(disposable_redis.url) as client:
        first = await client.post(run, json={"prompt": prompt})
        assert first.status_code == 200
        with Redis.from_url(disposable_redis.url) as redis:
            assert len(redis.keys("tta:api:cache:*")) == 1
        assert (await client.get("/health")).json()["status"] == "ok"

        disposable_redis.stop()

        during = [await client.post(run, json={"prompt": f"{prompt} {i}"}) for i in range(2)]
        assert [r.status_code for r in during] == [200, 200]
        hit = await client.post(run, json={"prompt": f"{prompt} 0"})
        assert hit.json()["cache_hit"] is True
        health = (await client.get("/health")).json()
        assert health["status"] == "degraded"
        assert health["dependencies"]["redis"] == "unreachable"
        stats = (await client.get("/api/v1/cache/stats")).json()
        assert stats["redis_fallbacks"] == 5  # 3 gets, 2 sets
        fallbacks = _sample_total(
            (await client.get("/metrics")).text, "tta_api_cache_redis_fallbacks"
        )
        assert fallbacks == {(("operation", "get"),): 3, (("operation", "set"),): 2}
