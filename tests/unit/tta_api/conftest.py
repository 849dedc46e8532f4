"""Fixtures: isolated settings, observability shut down around each test, a served app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from tta_api import Settings, create_app

from ...common.observability_state import reset_observability

CONFIG_VARIABLES = (
    "REDIS_URL",
    "TTA_MODELS_FILE",
    "TTA_OBSERVABILITY",
    "TTA_WORKFLOW_TIMEOUT_SECONDS",
    "TTA_CACHE_TTL_SECONDS",
    "OTEL_SERVICE_NAME",
    "OTEL_SDK_DISABLED",
)

Serve = Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in CONFIG_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    reset_observability()
    yield
    reset_observability()


@asynccontextmanager
async def _serve(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://tta-api") as client:
            yield client


@pytest.fixture
def serve() -> Serve:
    """``async with serve(app) as client``: the app's lifespan runs around the client."""
    return _serve


@pytest.fixture
def make_app() -> Callable[..., FastAPI]:
    """Build an app from ``Settings`` keyword arguments (variable names)."""

    def build(**values: Any) -> FastAPI:
        return create_app(Settings(**values))

    return build
