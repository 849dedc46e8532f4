"""Request and response bodies of the HTTP API (they make the OpenAPI schema)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CacheStatsResponse",
    "DependencyStates",
    "ErrorBody",
    "HealthResponse",
    "HttpErrorDetail",
    "RouteRequest",
    "RouteResponse",
    "RunRequest",
    "RunResponse",
    "WorkflowInfo",
    "WorkflowList",
]

MAX_PROMPT_CHARS = 16_000
"""Longest prompt accepted (about 4000 tokens, within every shipped model's window)."""


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RouteRequest(_Body):
    """A prompt to route."""

    prompt: str = Field(min_length=1, max_length=MAX_PROMPT_CHARS, description="The user prompt.")


class RunRequest(RouteRequest):
    """A workflow's input: the prompt and two knobs of the simulated models."""

    fail_attempts: int = Field(
        default=0,
        ge=0,
        le=10,
        description="resilient-answer only: the premium model fails this many first attempts.",
    )
    extra_latency_ms: int = Field(
        default=0,
        ge=0,
        le=5_000,
        description="bounded-answer only: added to the simulated model's latency.",
    )


class RunResponse(BaseModel):
    """The result of one workflow run."""

    workflow: str
    output: str
    model: str = Field(description="The model(s) whose answer is returned, '+'-joined.")
    tokens_in: int
    tokens_out: int
    cost_usd: float = Field(description="Price of the model calls this request made (0 on a hit).")
    cache_hit: bool
    trace_id: str | None = Field(description="The request's W3C trace id (32 hex digits).")


class RouteResponse(BaseModel):
    """A routing decision and its estimated cost; no model runs."""

    tier: Literal["cheap", "balanced", "premium"]
    model: str
    complexity: int
    estimated_tokens_in: int
    estimated_tokens_out: int
    estimated_cost_usd: float
    estimated_saving_usd: float = Field(description="Against sending the prompt to premium.")


class WorkflowInfo(BaseModel):
    """A workflow the service runs."""

    name: str
    description: str
    input_schema: dict[str, Any] = Field(description="JSON Schema of the run request body.")


class WorkflowList(BaseModel):
    """Every workflow."""

    workflows: list[WorkflowInfo]


class CacheStatsResponse(BaseModel):
    """Counters of the smart-answer workflow's cache."""

    workflow: str
    backend: Literal["memory", "redis"]
    hits: int
    misses: int
    hit_ratio: float
    evictions: int
    backend_errors: int
    coalesced: int
    redis_fallbacks: int = Field(description="Operations served from memory because Redis failed.")


class DependencyStates(BaseModel):
    """The state of each dependency."""

    redis: Literal["ok", "unreachable", "not configured"]
    observability: Literal["on", "off"]


class HealthResponse(BaseModel):
    """Liveness and dependency state; 'degraded' while a configured dependency is down."""

    status: Literal["ok", "degraded"]
    version: str
    dependencies: DependencyStates


class HttpErrorDetail(BaseModel):
    """The framework's own error body (a body that cannot be decoded, an unknown path)."""

    detail: str


class ErrorBody(BaseModel):
    """Every error response's body; never a stack trace."""

    error: str = Field(description="A stable error code.")
    message: str
    trace_id: str | None = None
    known_workflows: list[str] | None = None
