"""Every endpoint and error path, through httpx's ASGI transport with the app's lifespan."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import observability_integration
import pytest
from fastapi import FastAPI
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from tta_api import create_app, load_catalog
from tta_api.catalog import ModelCatalog, Tier
from tta_api.service import Service
from tta_api.settings import Settings
from tta_api.simulated_model import Completion, Prompt, answer_text, approximate_tokens
from tta_dev_primitives import LambdaPrimitive

from .conftest import Serve

SIMPLE = "What is the capital of France?"
COMPLEX = "Explain why " + "the sky scatters blue light more than red light " * 30
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
WORKFLOWS = ["smart-answer", "resilient-answer", "bounded-answer", "panel-answer"]


def _run(name: str) -> str:
    return f"/api/v1/workflows/{name}/run"


def _total(family: Metric) -> float:
    return sum(s.value for s in family.samples if s.name.endswith("_total"))


async def test_health_without_redis(make_app: Callable[..., FastAPI], serve: Serve) -> None:
    async with serve(make_app()) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": "0.1.0",
        "dependencies": {"redis": "not configured", "observability": "on"},
    }


async def test_health_with_observability_off(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app(TTA_OBSERVABILITY="off")) as client:
        body = (await client.get("/health")).json()
    assert body["dependencies"]["observability"] == "off"


async def test_workflows_lists_names_descriptions_and_input_schema(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as client:
        response = await client.get("/api/v1/workflows")
    assert response.status_code == 200
    workflows = response.json()["workflows"]
    assert [w["name"] for w in workflows] == WORKFLOWS
    for workflow in workflows:
        assert workflow["description"]
        assert workflow["input_schema"]["required"] == ["prompt"]
        assert set(workflow["input_schema"]["properties"]) == {
            "prompt",
            "fail_attempts",
            "extra_latency_ms",
        }


async def test_smart_answer_routes_by_complexity_and_caches(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as client:
        simple = (await client.post(_run("smart-answer"), json={"prompt": SIMPLE})).json()
        complex_ = (await client.post(_run("smart-answer"), json={"prompt": COMPLEX})).json()
        again = (await client.post(_run("smart-answer"), json={"prompt": SIMPLE})).json()
        stats = (await client.get("/api/v1/cache/stats")).json()
    assert simple["model"] == "cheap"
    assert simple["output"] == answer_text("cheap", SIMPLE)
    assert simple["cache_hit"] is False
    assert simple["cost_usd"] > 0
    assert complex_["model"] == "premium"
    assert complex_["cost_usd"] > simple["cost_usd"]
    assert again["cache_hit"] is True
    assert again["cost_usd"] == 0
    assert {k: again[k] for k in ("output", "model", "tokens_in", "tokens_out")} == {
        k: simple[k] for k in ("output", "model", "tokens_in", "tokens_out")
    }
    assert stats == {
        "workflow": "smart-answer",
        "backend": "memory",
        "hits": 1,
        "misses": 2,
        "hit_ratio": pytest.approx(1 / 3),
        "evictions": 0,
        "backend_errors": 0,
        "coalesced": 0,
        "redis_fallbacks": 0,
    }


async def test_the_knobs_do_not_split_the_cache(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as client:
        await client.post(_run("smart-answer"), json={"prompt": SIMPLE})
        again = await client.post(_run("smart-answer"), json={"prompt": SIMPLE, "fail_attempts": 4})
    assert again.json()["cache_hit"] is True


async def test_outputs_are_deterministic_across_apps(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    results = []
    for _ in range(2):
        async with serve(make_app(TTA_OBSERVABILITY="off")) as client:
            body = (await client.post(_run("panel-answer"), json={"prompt": SIMPLE})).json()
        body.pop("trace_id")
        results.append(body)
    assert results[0] == results[1]
    assert results[0]["model"] == "cheap+balanced+premium"
    assert results[0]["output"].splitlines() == [
        answer_text(model, SIMPLE) for model in ("cheap", "balanced", "premium")
    ]


@pytest.mark.parametrize(
    ("fail_attempts", "model"), [(0, "premium"), (2, "premium"), (3, "cheap"), (10, "cheap")]
)
async def test_resilient_answer_retries_then_falls_back(
    make_app: Callable[..., FastAPI], serve: Serve, fail_attempts: int, model: str
) -> None:
    async with serve(make_app()) as client:
        response = await client.post(
            _run("resilient-answer"), json={"prompt": SIMPLE, "fail_attempts": fail_attempts}
        )
        metrics = (await client.get("/metrics")).text
    assert response.status_code == 200
    assert response.json()["model"] == model
    assert response.json()["cache_hit"] is False
    families = {f.name: f for f in text_string_to_metric_families(metrics)}
    retries = sum(
        s.value for s in families["tta_retry_attempts"].samples if s.name.endswith("total")
    )
    fallbacks = sum(s.value for s in families["tta_fallbacks"].samples if s.name.endswith("total"))
    assert retries == min(fail_attempts, 2)
    assert fallbacks == (1 if model == "cheap" else 0)


async def test_bounded_answer_within_budget(make_app: Callable[..., FastAPI], serve: Serve) -> None:
    async with serve(make_app(TTA_WORKFLOW_TIMEOUT_SECONDS="1")) as client:
        response = await client.post(_run("bounded-answer"), json={"prompt": SIMPLE})
    assert response.status_code == 200
    assert response.json()["model"] == "balanced"


async def test_bounded_answer_timeout_is_504(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app(TTA_WORKFLOW_TIMEOUT_SECONDS="0.05")) as client:
        response = await client.post(
            _run("bounded-answer"), json={"prompt": SIMPLE, "extra_latency_ms": 2000}
        )
    assert response.status_code == 504
    body = response.json()
    assert body["error"] == "workflow_timeout"
    assert "bounded-answer" in body["message"]
    assert len(body["trace_id"]) == 32


async def test_unknown_workflow_is_404_naming_the_known_ones(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as client:
        response = await client.post(_run("nope"), json={"prompt": SIMPLE})
        huge = await client.post(_run("x" * 5000), json={"prompt": SIMPLE})
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "unknown_workflow"
    assert body["known_workflows"] == WORKFLOWS
    assert "'nope'" in body["message"]
    for name in WORKFLOWS:
        assert name in body["message"]
    assert huge.status_code == 404
    assert len(huge.json()["message"]) < 300


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({}, ["body", "prompt"]),
        ({"prompt": ""}, ["body", "prompt"]),
        ({"prompt": "x" * 16_001}, ["body", "prompt"]),
        ({"prompt": 3}, ["body", "prompt"]),
        ({"prompt": "hi", "fail_attempts": -1}, ["body", "fail_attempts"]),
        ({"prompt": "hi", "extra_latency_ms": 5001}, ["body", "extra_latency_ms"]),
        ({"prompt": "hi", "temperature": 1}, ["body", "temperature"]),
    ],
)
async def test_an_invalid_body_is_422_with_field_messages(
    make_app: Callable[..., FastAPI], serve: Serve, body: dict[str, Any], location: list[str]
) -> None:
    async with serve(make_app()) as client:
        response = await client.post(_run("smart-answer"), json=body)
    assert response.status_code == 422
    details = response.json()["detail"]
    assert [detail["loc"] for detail in details] == [location]
    assert details[0]["msg"]


async def test_a_non_json_body_is_422(make_app: Callable[..., FastAPI], serve: Serve) -> None:
    async with serve(make_app()) as client:
        response = await client.post(
            "/api/v1/route", content=b"{not json", headers={"content-type": "application/json"}
        )
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_a_prompt_beyond_the_context_window_is_413(tmp_path: Path, serve: Serve) -> None:
    shipped = load_catalog()
    tiny = ModelCatalog(
        models=tuple(
            model.model_copy(update={"context_window": 8}) if model.tier is Tier.CHEAP else model
            for model in shipped.models
        )
    )
    async with serve(create_app(Settings(), catalog=tiny)) as client:
        response = await client.post(_run("panel-answer"), json={"prompt": "a" * 40})
    assert response.status_code == 413
    assert response.json()["error"] == "context_window_exceeded"
    assert "'cheap'" in response.json()["message"]


async def test_route_estimates_without_running_a_model(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as client:
        simple = (await client.post("/api/v1/route", json={"prompt": SIMPLE})).json()
        complex_ = (await client.post("/api/v1/route", json={"prompt": COMPLEX})).json()
        stats = (await client.get("/api/v1/cache/stats")).json()
    assert simple["tier"] == "cheap"
    assert simple["model"] == "cheap"
    assert simple["estimated_saving_usd"] > 0
    assert complex_["tier"] == "premium"
    assert complex_["estimated_saving_usd"] == 0
    assert stats["misses"] == 0


async def test_route_estimate_matches_the_run(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    prompt = "Compare two sorting algorithms briefly."
    async with serve(make_app()) as client:
        estimate = (await client.post("/api/v1/route", json={"prompt": prompt})).json()
        run = (await client.post(_run("smart-answer"), json={"prompt": prompt})).json()
    assert estimate["tier"] == "balanced"
    assert run["model"] == estimate["model"]
    assert run["tokens_in"] == estimate["estimated_tokens_in"]
    assert run["tokens_out"] == estimate["estimated_tokens_out"]
    assert run["cost_usd"] == pytest.approx(estimate["estimated_cost_usd"])


async def test_metrics_hold_primitive_and_http_families(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as client:
        for name in WORKFLOWS:
            await client.post(_run(name), json={"prompt": SIMPLE})
        await client.post(_run("smart-answer"), json={"prompt": SIMPLE})
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    for family in (
        "tta_primitive_executions",
        "tta_primitive_duration_seconds",
        "tta_cache_hits",
        "tta_router_decisions",
        "tta_http_requests",
        "tta_http_request_duration_seconds",
    ):
        assert family in families, family
    requests = {
        (s.labels["method"], s.labels["route"], s.labels["status_code"]): s.value
        for s in families["tta_http_requests"].samples
        if s.name == "tta_http_requests_total"
    }
    assert requests[("POST", "/api/v1/workflows/{name}/run", "200")] == 5
    hits = [s for s in families["tta_cache_hits"].samples if s.name == "tta_cache_hits_total"]
    assert [s.value for s in hits] == [1]


async def test_metrics_served_with_observability_off(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app(TTA_OBSERVABILITY="off")) as client:
        await client.get("/health")
        response = await client.get("/metrics")
    names = {f.name for f in text_string_to_metric_families(response.text)}
    assert "tta_http_requests" in names
    assert "tta_primitive_executions" not in names


async def test_unmatched_paths_and_odd_methods_have_bounded_labels(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as client:
        for index in range(5):
            assert (await client.get(f"/nowhere/{index}")).status_code == 404
        assert (await client.request("BREW", "/health")).status_code == 405
        text = (await client.get("/metrics")).text
    samples = [
        s
        for f in text_string_to_metric_families(text)
        if f.name == "tta_http_requests"
        for s in f.samples
        if s.name == "tta_http_requests_total"
    ]
    labels = {(s.labels["method"], s.labels["route"], s.labels["status_code"]) for s in samples}
    assert ("GET", "unmatched", "404") in labels
    assert ("other", "/health", "405") in labels
    assert not any("nowhere" in route for _, route, _ in labels)


async def test_an_unexpected_error_is_a_stable_500_logged_with_the_trace_id(
    make_app: Callable[..., FastAPI], serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()
    service: Service = app.state.service

    def explode(_: Prompt) -> Completion:
        raise RuntimeError("secret internal detail")

    broken = dict(service.workflows)
    broken["panel-answer"] = type(broken["panel-answer"])(
        "panel-answer", "broken", LambdaPrimitive(explode)
    )
    app.state.service = type(service)(
        service.settings, service.catalog, broken, service.cache_backend, service.metrics
    )
    caplog.set_level(logging.ERROR, logger="tta_api.errors")
    async with serve(app) as client:
        response = await client.post(
            _run("panel-answer"), json={"prompt": SIMPLE}, headers={"traceparent": TRACEPARENT}
        )
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal_error",
        "message": "internal server error",
        "trace_id": "0af7651916cd43dd8448eb211c80319c",
    }
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    [record] = caplog.records
    assert "0af7651916cd43dd8448eb211c80319c" in record.getMessage()  # pragma: allowlist secret
    assert record.exc_info is not None


async def test_lifespan_keeps_observability_started_by_someone_else(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    assert observability_integration.initialize_observability(prometheus_port=0)
    async with serve(make_app()) as client:
        assert (await client.get("/health")).json()["dependencies"]["observability"] == "on"
    assert observability_integration.is_observability_enabled()


async def test_lifespan_shuts_down_the_observability_it_started(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()):
        assert observability_integration.is_observability_enabled()
    assert not observability_integration.is_observability_enabled()


async def test_two_apps_in_one_process_each_expose_their_metrics(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app()) as first, serve(make_app()) as second:
        await first.post(_run("smart-answer"), json={"prompt": SIMPLE})
        await second.get("/health")
        texts = [(await client.get("/metrics")).text for client in (first, second)]
    requests = [_total(_family(text, "tta_http_requests")) for text in texts]
    assert requests == [1, 1]
    for text in texts:
        assert _total(_family(text, "tta_primitive_executions")) > 0


def _family(text: str, name: str) -> Metric:
    return next(f for f in text_string_to_metric_families(text) if f.name == name)


async def test_a_parallel_run_costs_what_every_branch_spent(
    make_app: Callable[..., FastAPI], serve: Serve
) -> None:
    async with serve(make_app(TTA_OBSERVABILITY="off")) as client:
        body = (await client.post(_run("panel-answer"), json={"prompt": SIMPLE})).json()
    tokens_in = approximate_tokens(SIMPLE)
    spent = sum(
        model.cost(tokens_in, approximate_tokens(answer_text(model.name, SIMPLE)))
        for model in load_catalog().models
    )
    assert body["cost_usd"] == pytest.approx(spent, abs=1e-9)
    assert body["cost_usd"] > 0
