"""What the endpoints do: run workflows, route prompts, report health and cache counters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import observability_integration
from opentelemetry.trace import NoOpTracer, Tracer
from tta_dev_primitives import CacheBackend, FallbackBackend
from tta_process_support.versions import installed_version

from tta_api.cache_backend import DependencyState
from tta_api.catalog import ModelCatalog
from tta_api.errors import ApiError
from tta_api.routing import estimate_route
from tta_api.schemas import (
    CacheStatsResponse,
    DependencyStates,
    HealthResponse,
    RouteRequest,
    RouteResponse,
    RunRequest,
    RunResponse,
)
from tta_api.settings import Settings
from tta_api.simulated_model import ContextWindowExceededError, calls_of, run_context
from tta_api.telemetry import ServiceMetrics, current_trace_id
from tta_api.workflows import CACHED_WORKFLOW, Workflow

__all__ = ["Service", "service_version"]

_MAX_ECHOED_NAME = 100


def service_version() -> str:
    """The installed tta-api version (``0.0.0`` in a source tree without metadata)."""
    return installed_version("tta-api")


@dataclass(slots=True)
class Service:
    """Everything one app instance serves from.

    ``tracer`` makes the ``workflow <name>`` spans; the app's lifespan sets it
    once observability is up (a no-op tracer until then, or when it is off).
    """

    settings: Settings
    catalog: ModelCatalog
    workflows: Mapping[str, Workflow]
    cache_backend: CacheBackend
    metrics: ServiceMetrics
    tracer: Tracer = field(default_factory=NoOpTracer)

    async def run(self, name: str, request: RunRequest) -> RunResponse:
        """Run workflow ``name`` inside its own span; map expected failures to API errors."""
        workflow = self.workflows.get(name)
        if workflow is None:
            known = list(self.workflows)
            shown = name if len(name) <= _MAX_ECHOED_NAME else name[:_MAX_ECHOED_NAME] + "..."
            raise ApiError(
                404,
                "unknown_workflow",
                f"unknown workflow {shown!r}; known workflows: {', '.join(known)}",
                known_workflows=known,
            )
        context = run_context(name)
        prompt = workflow.prompt_of(request.prompt, request.fail_attempts, request.extra_latency_ms)
        with self.tracer.start_as_current_span(
            f"workflow {name}", attributes={"workflow.name": name}
        ):
            trace_id = current_trace_id()
            try:
                completion = await workflow.primitive.execute(prompt, context)
            except TimeoutError:
                raise ApiError(
                    504,
                    "workflow_timeout",
                    f"workflow {name!r} did not finish within its time budget",
                ) from None
            except ContextWindowExceededError as error:
                raise ApiError(413, "context_window_exceeded", str(error)) from None
        calls = calls_of(context)
        return RunResponse(
            workflow=name,
            output=completion["text"],
            model=completion["model"],
            tokens_in=completion["tokens_in"],
            tokens_out=completion["tokens_out"],
            cost_usd=round(sum(call["cost_usd"] for call in calls), 10),
            cache_hit=workflow.cache is not None and not calls,
            trace_id=trace_id,
        )

    def route(self, request: RouteRequest) -> RouteResponse:
        """The routing decision for a prompt and its estimated cost."""
        estimate = estimate_route(self.catalog, request.prompt)
        return RouteResponse(
            tier=estimate.tier.value,
            model=estimate.model,
            complexity=estimate.complexity,
            estimated_tokens_in=estimate.tokens_in,
            estimated_tokens_out=estimate.tokens_out,
            estimated_cost_usd=estimate.estimated_cost_usd,
            estimated_saving_usd=estimate.estimated_saving_usd,
        )

    def cache_stats(self) -> CacheStatsResponse:
        """The counters of the cached workflow's cache."""
        cache = self.workflows[CACHED_WORKFLOW].cache
        assert cache is not None
        stats = cache.stats
        backend = self.cache_backend
        redis = backend if isinstance(backend, FallbackBackend) else None
        return CacheStatsResponse(
            workflow=CACHED_WORKFLOW,
            backend="memory" if redis is None else "redis",
            hits=stats.hits,
            misses=stats.misses,
            hit_ratio=stats.hit_ratio,
            evictions=stats.evictions,
            backend_errors=stats.backend_errors,
            coalesced=stats.coalesced,
            redis_fallbacks=0 if redis is None else sum(redis.fallbacks.values()),
        )

    async def health(self) -> HealthResponse:
        """Liveness, version and each dependency's state.

        Redis is asked now unless the cache's circuit is open: what /health says
        is what the circuit says, and a probe that answers closes it.
        """
        backend = self.cache_backend
        if isinstance(backend, FallbackBackend):
            redis = DependencyState.OK if await backend.check() else DependencyState.UNREACHABLE
        else:
            redis = DependencyState.NOT_CONFIGURED
        observability: Literal["on", "off"] = (
            "on" if observability_integration.is_observability_enabled() else "off"
        )
        return HealthResponse(
            status="degraded" if redis is DependencyState.UNREACHABLE else "ok",
            version=service_version(),
            dependencies=DependencyStates(redis=redis.value, observability=observability),
        )

    async def aclose(self) -> None:
        """Close the cache backend's connections."""
        if isinstance(self.cache_backend, FallbackBackend):
            await self.cache_backend.aclose()
