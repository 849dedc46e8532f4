"""The app factory: one FastAPI app per :class:`~tta_api.settings.Settings`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import observability_integration
from fastapi import FastAPI
from tta_dev_primitives import FallbackBackend

from tta_api.access_log import redact_access_log
from tta_api.cache_backend import build_cache_backend
from tta_api.catalog import ModelCatalog, load_catalog
from tta_api.errors import UnexpectedErrorMiddleware, install_error_handlers
from tta_api.routes import router
from tta_api.service import Service, service_version
from tta_api.settings import Settings, load_settings
from tta_api.telemetry import (
    RequestTelemetryMiddleware,
    ServiceMetrics,
    instrument,
)
from tta_api.workflows import build_workflows

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, *, catalog: ModelCatalog | None = None) -> FastAPI:
    """Build the app; ``settings`` default to the environment, ``catalog`` to the settings' file.

    Raises :class:`~tta_api.settings.ConfigError` or
    :class:`~tta_api.catalog.CatalogError` (one line each) on bad input.
    uvicorn's access log gets the values of sensitive query parameters
    redacted (:mod:`tta_api.access_log`). The lifespan starts observability
    (``TTA_OBSERVABILITY=on``) unless something else already did, and on
    shutdown closes the Redis pool and the observability pipeline it started.
    """
    settings = settings if settings is not None else load_settings()
    catalog = catalog if catalog is not None else load_catalog(settings.models_file)
    redact_access_log()
    metrics = ServiceMetrics(include_primitives=settings.observability_enabled)
    backend = build_cache_backend(
        None if settings.redis_url is None else str(settings.redis_url),
        on_fallback=lambda operation: metrics.cache_fallbacks.labels(operation).inc(),
    )
    if isinstance(backend, FallbackBackend):
        metrics.watch_cache_circuit(backend)
    service = Service(
        settings=settings,
        catalog=catalog,
        workflows=build_workflows(
            catalog,
            cache_backend=backend,
            cache_ttl_seconds=settings.cache_ttl_seconds,
            timeout_seconds=settings.workflow_timeout_seconds,
        ),
        cache_backend=backend,
        metrics=metrics,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owns_observability = (
            settings.observability_enabled
            and not observability_integration.is_observability_enabled()
            and observability_integration.initialize_observability(
                service_name=settings.service_name,
                service_version=service_version(),
                prometheus_port=0,
            )
        )
        if settings.observability_enabled:
            service.tracer = observability_integration.get_tracer("tta_api", service_version())
        try:
            yield
        finally:
            try:
                await service.aclose()
            finally:
                if owns_observability:
                    observability_integration.shutdown_observability()

    app = FastAPI(
        title="tta-api",
        version=service_version(),
        summary="LLM workflows built from tta-dev-primitives, with observability.",
        lifespan=lifespan,
    )
    app.state.service = service
    app.include_router(router)
    install_error_handlers(app)
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(RequestTelemetryMiddleware, metrics=metrics)
    instrument(app)
    return app
