"""The whole stack for real: Prometheus scraping tta-api, Redis shared and lost.

``nox -s e2e`` brings up Redis and Prometheus (``tta-tooling stack up``) and serves
tta-api (``python -m tta_api``) on the port Prometheus scrapes, then exports
``PROMETHEUS_URL``, ``REDIS_URL`` and ``TTA_API_URL``; without them these tests
fail and say so. Every wait is a bounded poll: Prometheus scrapes every 5 s.
"""

from __future__ import annotations

import math
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from ..common.ports import free_port
from ..common.processes import stop_process

pytestmark = pytest.mark.integration

_T = TypeVar("_T")
APP_JOB = "tta-api"
STARTUP_SECONDS = 60.0
SCRAPE_SECONDS = 60.0
RECORDING_RULES = (
    "tta:primitive_executions:error_ratio_5m",
    "tta:primitive_duration_seconds:p95_5m",
)


def _exported(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests with `uvx nox -s e2e`", pytrace=False)
    return value.rstrip("/")


def _poll(check: Callable[[], _T | None], *, within: float, what: Callable[[], str]) -> _T:
    """The first value of ``check()`` that is not None, retried for ``within`` seconds."""
    deadline = time.monotonic() + within
    while True:
        found = check()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{what()} (waited {within:g}s)", pytrace=False)
        time.sleep(0.5)


def _query(prometheus: str, promql: str) -> list[dict[str, Any]]:
    """The instant vector ``promql`` evaluates to, through Prometheus' HTTP API."""
    answer = httpx.get(f"{prometheus}/api/v1/query", params={"query": promql}, timeout=10)
    answer.raise_for_status()
    body = answer.json()
    assert body["status"] == "success", body
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def _finite(series: list[dict[str, Any]]) -> list[float]:
    values = (float(sample["value"][1]) for sample in series)
    return [value for value in values if math.isfinite(value)]


def _run(api: str, workflow: str, prompt: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{api}/api/v1/workflows/{workflow}/run",
        json={"prompt": prompt},
        headers=headers,
        timeout=30,
    )


def _wait_until_served(url: str, process: subprocess.Popen[bytes] | None = None) -> None:
    def answers() -> bool | None:
        if process is not None and process.poll() is not None:
            pytest.fail(f"tta-api at {url} exited with {process.returncode}", pytrace=False)
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200 or None
        except httpx.TransportError:
            return None

    _poll(answers, within=STARTUP_SECONDS, what=lambda: f"tta-api at {url} never answered")


@pytest.fixture(scope="module")
def prometheus() -> str:
    """Prometheus of the stack; it scrapes the served tta-api's /metrics."""
    return _exported("PROMETHEUS_URL")


@pytest.fixture(scope="module")
def redis_url() -> str:
    """Redis of the stack, which the served tta-api caches in."""
    return _exported("REDIS_URL")


@pytest.fixture(scope="module")
def api() -> str:
    """tta-api as the session serves it, once it answers /health."""
    url = _exported("TTA_API_URL")
    _wait_until_served(url)
    return url


@pytest.fixture
def start_api() -> Iterator[Callable[[str], str]]:
    """Serve another tta-api caching in the Redis at the URL given; its URL once it answers.
    Each is stopped with SIGTERM afterwards and must exit 0."""
    served: list[subprocess.Popen[bytes]] = []

    def start(redis_url: str) -> str:
        port = free_port()
        env = {**os.environ, "REDIS_URL": redis_url}
        command = [sys.executable, "-m", "tta_api", f"--port={port}"]
        served.append(subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{port}"
        _wait_until_served(url, served[-1])
        return url

    yield start
    for process in served:
        stop_process(process, timeout=15)
    assert [process.returncode for process in served] == [0] * len(served)


def _app_target(prometheus: str) -> dict[str, Any] | None:
    answer = httpx.get(f"{prometheus}/api/v1/targets", params={"state": "active"}, timeout=10)
    answer.raise_for_status()
    targets = answer.json()["data"]["activeTargets"]
    return next((t for t in targets if t["labels"].get("job") == APP_JOB), None)


def test_prometheus_scrapes_tta_api(prometheus: str, api: str) -> None:
    seen: dict[str, Any] = {}

    def scraped_up() -> bool | None:
        seen.update(_app_target(prometheus) or {})
        up = _finite(_query(prometheus, f'up{{job="{APP_JOB}"}}'))
        return True if seen.get("health") == "up" and up == [1.0] else None

    def why() -> str:
        if not seen:
            return f"Prometheus has no {APP_JOB} target"
        return (
            f"{APP_JOB} target {seen['labels'].get('instance')} ({seen['scrapeUrl']}) is "
            f"{seen['health']}: {seen.get('lastError') or 'no scrape yet'}; tta-api is at {api}"
        )

    _poll(scraped_up, within=SCRAPE_SECONDS, what=why)


def test_traffic_shows_in_the_primitive_counter_and_the_recording_rules(
    prometheus: str, api: str
) -> None:
    executions = (
        f'tta_primitive_executions_total{{job="{APP_JOB}",primitive_type="CachePrimitive",'
        'primitive_name="smart-answer",outcome="success"}'
    )
    prompts = iter(range(10**9))

    def traffic() -> None:
        """A little scripted traffic: a new prompt (miss), the same again (hit), a panel."""
        prompt = f"e2e traffic {secrets.token_hex(4)} {next(prompts)}"
        for workflow in ("smart-answer", "smart-answer", "panel-answer", "resilient-answer"):
            assert _run(api, workflow, prompt).status_code == 200

    def counted() -> list[dict[str, Any]] | None:
        traffic()
        found = _query(prometheus, executions)
        return found if [v for v in _finite(found) if v > 0] else None

    series = _poll(counted, within=SCRAPE_SECONDS, what=lambda: f"no sample > 0 of {executions}")
    assert len(series) == 1, series
    labels = series[0]["metric"]
    assert labels["__name__"] == "tta_primitive_executions_total"
    assert (labels["primitive_type"], labels["primitive_name"], labels["outcome"]) == (
        "CachePrimitive",
        "smart-answer",
        "success",
    )
    # A rate needs two scrapes that saw the counters move: traffic keeps flowing meanwhile.
    for rule in RECORDING_RULES:
        selector = f'{rule}{{primitive_name="smart-answer"}}'

        def evaluated(selector: str = selector) -> list[float] | None:
            traffic()
            return _finite(_query(prometheus, selector)) or None

        def missing(rule: str = rule) -> str:
            return f"{rule} has no finite value for smart-answer"

        values = _poll(evaluated, within=SCRAPE_SECONDS, what=missing)
        assert all(value >= 0 for value in values), (rule, values)


def test_an_incoming_trace_runs_through_tta_api_into_the_primitives(api: str) -> None:
    trace_id = secrets.token_hex(16)
    traceparent = f"00-{trace_id}-{secrets.token_hex(8)}-01"
    answer = _run(api, "panel-answer", "trace this prompt", traceparent=traceparent)
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-trace-id"] == trace_id
    # The workflow's span, parent of the primitives' spans, is in the client's trace.
    assert answer.json()["trace_id"] == trace_id


def test_a_value_cached_by_one_process_is_a_hit_in_another(
    api: str, redis_url: str, start_api: Callable[[str], str]
) -> None:
    prompt = f"shared cache {secrets.token_hex(8)}"
    first = _run(api, "smart-answer", prompt)
    assert first.status_code == 200, first.text
    assert first.json()["cache_hit"] is False
    other = start_api(redis_url)
    second = _run(other, "smart-answer", prompt)
    assert second.status_code == 200, second.text
    assert second.json()["cache_hit"] is True
    assert second.json()["output"] == first.json()["output"]


def _stack(state: Path, *args: str) -> str:
    command = [sys.executable, "-m", "tta_tooling", "stack", *args, f"--state={state}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _fallbacks(api: str) -> float:
    metrics = httpx.get(f"{api}/metrics", timeout=10).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("tta_api_cache_redis_fallbacks_total{")
    )


def test_requests_succeed_and_fallbacks_count_when_redis_stops(
    tmp_path: Path, start_api: Callable[[str], str]
) -> None:
    # A Redis of its own (through the stack module), so the shared one stays up.
    state = tmp_path / "stack.json"
    exports = _stack(state, "up", "--backend=native", "--service=redis")
    try:
        own_redis = exports.split("export REDIS_URL=", 1)[1].split()[0]
        app = start_api(own_redis)
        assert httpx.get(f"{app}/health", timeout=10).json()["dependencies"]["redis"] == "ok"
        assert _run(app, "smart-answer", "before the outage").status_code == 200
        assert _fallbacks(app) == 0
    finally:
        _stack(state, "down")
    for number in range(3):
        answer = _run(app, "smart-answer", f"during the outage {number}")
        assert answer.status_code == 200, answer.text
    assert _fallbacks(app) >= 3
    health = httpx.get(f"{app}/health", timeout=10).json()
    assert (health["status"], health["dependencies"]["redis"]) == ("degraded", "unreachable")
