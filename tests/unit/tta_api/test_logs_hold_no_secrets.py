"""tta-api's logs never hold the values of sensitive headers or JSON keys (canary values).

The app is served by uvicorn in-process on loopback, as ``python -m tta_api`` serves
it, so uvicorn's access and error logs are captured along with the app's own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

_FORMAT = logging.Formatter("%(name)s %(levelname)s %(message)s")
_CLIENT_LOGGERS = ("httpx", "httpcore")  # this test's own client logs the URLs it sends
_SHARED_NAMES = (
    Path(__file__).parents[3]
    / "packages/keploy-framework/src/keploy_framework/sensitive_names.json"
)


def _shared_query_params() -> list[str]:
    """The query parameters record/replay redacts and the secrets gate checks."""
    names: list[str] = json.loads(_SHARED_NAMES.read_text())["query_params"]
    return names


def _canary(name: str) -> str:
    return f"canary-{name}-{uuid.uuid4().hex}"


@asynccontextmanager
async def _uvicorn(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Serve ``app`` with uvicorn on a free loopback port; stop it on the way out."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, log_level="debug")
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if serving.done():
                serving.result()
                pytest.fail("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            yield client
    finally:
        server.should_exit = True
        await serving


async def test_sensitive_values_never_reach_the_logs(
    make_app: Callable[..., FastAPI], caplog: pytest.LogCaptureFixture
) -> None:
    secrets = {name: _canary(name) for name in ("authorization", "cookie", "x-api-key")}
    headers = {
        "Authorization": f"Bearer {secrets['authorization']}",
        "Cookie": f"session={secrets['cookie']}",
        "X-Api-Key": secrets["x-api-key"],
    }
    password = _canary("password")
    query_secrets = {name: _canary(f"query-{name}") for name in _shared_query_params()}
    caplog.set_level(logging.DEBUG)
    async with _uvicorn(make_app()) as client:
        ok = await client.post("/api/v1/route", json={"prompt": "hi"}, headers=headers)
        # `password` is no field of the body: the 422 quotes the offending input back.
        rejected = await client.post(
            "/api/v1/workflows/smart-answer/run",
            json={"prompt": "hi", "password": password},
            headers=headers,
        )
        broken = await client.post(
            "/api/v1/route",
            content=b'{"prompt": "hi", "password": "' + password.encode(),
            headers={**headers, "content-type": "application/json"},
        )
        missing = await client.get("/api/v1/workflows/nope", headers=headers)
        queried = await client.get("/health", params={**query_secrets, "verbose": "1"})
    assert ok.status_code == 200
    assert rejected.status_code == 422
    assert password in rejected.text  # the response echoes it back: the logs must not
    assert broken.status_code == 422
    assert missing.status_code == 404
    assert queried.status_code == 200
    loggers = {record.name for record in caplog.records}
    assert "uvicorn.access" in loggers, loggers  # the server's logs were captured
    server_side = [r for r in caplog.records if not r.name.startswith(_CLIENT_LOGGERS)]
    logged = "\n".join(_FORMAT.format(record) for record in server_side)
    for name, secret in [*secrets.items(), ("password", password), *query_secrets.items()]:
        assert secret not in logged, f"the {name} canary is in the logs"
    assert "verbose=1" in logged  # other parameters are logged as sent
