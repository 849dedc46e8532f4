"""The HTTP endpoints; each delegates to the app's :class:`~tta_api.service.Service`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client.exposition import choose_encoder

from tta_api.schemas import (
    CacheStatsResponse,
    ErrorBody,
    HealthResponse,
    HttpErrorDetail,
    RouteRequest,
    RouteResponse,
    RunRequest,
    RunResponse,
    WorkflowInfo,
    WorkflowList,
)
from tta_api.service import Service

__all__ = ["router"]

_INTERNAL_ERROR: dict[int | str, dict[str, Any]] = {
    500: {"model": ErrorBody, "description": "Unexpected error (logged with the trace id)."}
}

_UNDECODABLE_BODY: dict[int | str, dict[str, Any]] = {
    400: {"model": HttpErrorDetail, "description": "The body is not decodable (e.g. not UTF-8)."}
}

router = APIRouter(responses=_INTERNAL_ERROR)


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


@router.get("/health", tags=["service"])
async def health(request: Request) -> HealthResponse:
    """Service status, version and each dependency's state."""
    return await _service(request).health()


@router.get("/api/v1/workflows", tags=["workflows"])
async def list_workflows(request: Request) -> WorkflowList:
    """Every workflow: name, description and the JSON Schema of its input."""
    schema = RunRequest.model_json_schema()
    return WorkflowList(
        workflows=[
            WorkflowInfo(name=w.name, description=w.description, input_schema=schema)
            for w in _service(request).workflows.values()
        ]
    )


@router.post(
    "/api/v1/workflows/{name}/run",
    tags=["workflows"],
    response_model=RunResponse,
    responses={
        **_UNDECODABLE_BODY,
        404: {"model": ErrorBody, "description": "Unknown workflow; the known ones are listed."},
        413: {"model": ErrorBody, "description": "The prompt exceeds the model's context window."},
        504: {"model": ErrorBody, "description": "The workflow exceeded its time budget."},
    },
)
async def run_workflow(name: str, body: RunRequest, request: Request) -> Response:
    """Run a workflow: its output, the model used, tokens, cost, cache hit and trace id."""
    result = await _service(request).run(name, body)
    # The service built a validated RunResponse; serialize it once instead of letting
    # FastAPI dump and re-validate it (the hot path of cached runs).
    return Response(result.model_dump_json(), media_type="application/json")


@router.post("/api/v1/route", tags=["workflows"], responses=_UNDECODABLE_BODY)
async def route(body: RouteRequest, request: Request) -> RouteResponse:
    """The model a prompt would be routed to and its estimated cost; no model runs."""
    return _service(request).route(body)


@router.get("/api/v1/cache/stats", tags=["service"])
async def cache_stats(request: Request) -> CacheStatsResponse:
    """Hits, misses and Redis fallbacks of the smart-answer workflow's cache."""
    return _service(request).cache_stats()


@router.get(
    "/metrics",
    tags=["service"],
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus exposition: primitives, HTTP and cache metrics.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        }
    },
)
async def metrics(request: Request) -> Response:
    """Prometheus metrics of the primitives and of the service."""
    encoder, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(_service(request).metrics.registry), media_type=content_type)
