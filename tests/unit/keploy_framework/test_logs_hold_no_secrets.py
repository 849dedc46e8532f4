"""The recorder's logs (its stdout and stderr, the sample app's included) never hold the
values of sensitive headers, JSON keys or query parameters (canary values)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from .conftest import Recorder

pytestmark = pytest.mark.smoke  # real recorder and app processes


def _canary(name: str) -> str:
    return f"canary-{name}-{uuid.uuid4().hex}"


def test_sensitive_values_never_reach_the_recorder_logs(
    start_recorder: Callable[..., Recorder],
) -> None:
    secrets = {
        name: _canary(name)
        for name in ("authorization", "cookie", "x-api-key", "password", "token")
    }
    headers = {
        "Authorization": f"Bearer {secrets['authorization']}",
        "Cookie": f"session={secrets['cookie']}",
        "X-Api-Key": secrets["x-api-key"],
    }
    # --denoise repeats each request and logs the URL of a body it will not noise.
    recorder = start_recorder("--denoise")
    with httpx.Client(base_url=recorder.proxy_url, trust_env=False, headers=headers) as client:
        login = client.post("/login", json={"username": "u", "password": secrets["password"]})
        grow = client.get("/grow", params={"token": secrets["token"]})
        missing = client.get("/nope", params={"token": secrets["token"]})
    code, out, err = recorder.stop()
    assert code == 0, err
    assert (login.status_code, grow.status_code, missing.status_code) == (200, 200, 404)
    assert "recorded 3 test cases" in out
    assert "denoise: GET /grow: not noising body.values" in err  # the line naming the request
    logs = out + err
    for name, secret in secrets.items():
        assert secret not in logs, f"the {name} canary is in the recorder's logs"
