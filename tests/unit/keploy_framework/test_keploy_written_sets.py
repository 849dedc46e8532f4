"""The Keploy-written cases of keploy/samples-python replay green in keploy mode.

The stand-in app answers each request as the recorded app did, with what a rerun
changes: a fresh ``Date`` (where the app sends one), JSON re-serialized compactly
(so ``Content-Length`` moves).
"""

from __future__ import annotations

import json
from email.utils import formatdate

import httpx
import pytest
from keploy_framework.config import Config
from keploy_framework.redaction import Redactor
from keploy_framework.replay import replay_case
from keploy_framework.storage import read_test_set
from keploy_framework.testcase import TestCase

from .conftest import FIXTURES


def _rerun_of(case: TestCase) -> httpx.MockTransport:
    recorded = case.response

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.method == case.request.method
        body = recorded.body
        if isinstance(body, str) and body.strip()[:1] in ("{", "["):
            body = json.dumps(json.loads(body), separators=(",", ":"))
        raw = body.encode() if isinstance(body, str) else body
        headers = {**recorded.header, "Content-Length": str(len(raw))}
        if "Date" in headers:
            headers["Date"] = formatdate(usegmt=True)
        return httpx.Response(recorded.status_code, headers=headers, content=raw)

    return httpx.MockTransport(answer)


@pytest.mark.parametrize("app", ["flask-redis", "sanic-mongo"])
def test_keploy_written_cases_replay_green_in_keploy_mode(app: str) -> None:
    test_set = read_test_set(FIXTURES / app / "test-set-0")
    config = Config()
    assert config.match_options().ignore_ordering  # Keploy's default
    assert test_set.cases
    for case in test_set.cases:
        with httpx.Client(transport=_rerun_of(case)) as client:
            result = replay_case(
                client,
                "http://app",
                case,
                config,
                Redactor.from_config(config),
                noise=config.noise_for(test_set.name),
            )
        assert result.passed, (case.name, result.comparison.diffs)
        assert result.comparison.result["body_result"][0]["type"] == "JSON"
