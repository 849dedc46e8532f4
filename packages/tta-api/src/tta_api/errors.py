"""Error responses: one stable JSON body (:class:`~tta_api.schemas.ErrorBody`), never a trace.

:class:`ApiError` is raised by the endpoints for the errors they expect;
:class:`UnexpectedErrorMiddleware` turns anything else into a logged 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tta_api.schemas import ErrorBody
from tta_api.telemetry import current_trace_id

__all__ = ["ApiError", "UnexpectedErrorMiddleware", "error_response", "install_error_handlers"]

_log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error the API answers with ``status`` and an :class:`ErrorBody`."""

    def __init__(
        self, status: int, error: str, message: str, *, known_workflows: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = ErrorBody(
            error=error,
            message=message,
            trace_id=current_trace_id(),
            known_workflows=known_workflows,
        )


def error_response(status: int, body: ErrorBody) -> JSONResponse:
    """The JSON response for an error body."""
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status)


async def _api_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.body)


def install_error_handlers(app: FastAPI) -> None:
    """Answer :class:`ApiError` with its status and body."""
    app.add_exception_handler(ApiError, _api_error_handler)


class UnexpectedErrorMiddleware:
    """Logs an unexpected exception with the trace id and answers 500 with a stable body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            trace_id = current_trace_id()
            _log.exception("unexpected error answering %s (trace_id=%s)", scope["path"], trace_id)
            if started:
                raise
            body = ErrorBody(
                error="internal_error", message="internal server error", trace_id=trace_id
            )
            await error_response(500, body)(scope, receive, send)
