"""tta-api's cache storage against a Redis URL nobody listens on.

The fallback's own logic is tested with the primitives
(tests/unit/tta_dev_primitives/test_fallback_backend_recovery.py).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from tta_api.cache_backend import build_cache_backend
from tta_dev_primitives import MISSING, FallbackBackend, InMemoryBackend

from .conftest import Serve


def test_memory_only_without_a_url() -> None:
    assert isinstance(build_cache_backend(None), InMemoryBackend)


async def test_redis_falls_back_to_memory_from_the_first_failure(
    refused_redis_url: str,
) -> None:
    seen: list[str] = []
    backend = build_cache_backend(refused_redis_url, on_fallback=seen.append)
    assert isinstance(backend, FallbackBackend)
    try:
        assert await backend.get("k") is MISSING  # connection refused: the circuit opens
        assert await backend.set("k", {"v": 1}, 60) == 0
        assert await backend.fallback.get("k") == {"v": 1}
        assert await backend.check() is False  # open: /health says unreachable, no ping
    finally:
        await backend.aclose()
    assert seen == ["get", "set"]
    assert backend.circuit.openings == 1


async def test_unreachable_redis_degrades_health_and_requests_still_succeed(
    refused_redis_url: str, make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app(REDIS_URL=refused_redis_url)) as client:
        first = await client.post("/api/v1/workflows/smart-answer/run", json={"prompt": "hi"})
        second = await client.post("/api/v1/workflows/smart-answer/run", json={"prompt": "hi"})
        health = (await client.get("/health")).json()
        stats = (await client.get("/api/v1/cache/stats")).json()
        metrics = (await client.get("/metrics")).text
    assert first.status_code == second.status_code == 200
    assert second.json()["cache_hit"] is True
    assert health["status"] == "degraded"
    assert health["dependencies"]["redis"] == "unreachable"
    assert stats["backend"] == "redis"
    assert stats["redis_fallbacks"] == 3
    assert stats["backend_errors"] == 0
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    fallbacks = {
        s.labels["operation"]: s.value
        for s in families["tta_api_cache_redis_fallbacks"].samples
        if s.name.endswith("_total")
    }
    assert fallbacks == {"get": 2, "set": 1}
    circuit = [
        (s.name, s.value)
        for name in ("tta_api_cache_redis_circuit_open", "tta_api_cache_redis_circuit_openings")
        for s in families[name].samples
    ]
    assert circuit == [
        ("tta_api_cache_redis_circuit_open", 1.0),
        ("tta_api_cache_redis_circuit_openings_total", 1.0),
    ]


async def test_without_redis_no_circuit_is_exposed(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as client:
        metrics = (await client.get("/metrics")).text
    assert "tta_api_cache_redis_fallbacks_total" in metrics
    assert "tta_api_cache_redis_circuit" not in metrics
