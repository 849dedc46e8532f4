"""The /metrics server over real loopback HTTP: methods, paths, content type, gzip, idle clients."""

from __future__ import annotations

import gzip
import http.client
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from observability_integration import apm_setup, metrics_server
from observability_integration.metrics_server import MetricsServer, render_metrics
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.parser import text_string_to_metric_families

TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"


@pytest.fixture
def registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    Counter("probe_events", "Probe events.", registry=registry).inc(5)
    return registry


@pytest.fixture
def server(registry: CollectorRegistry) -> Iterator[MetricsServer]:
    served = MetricsServer(registry)
    served.start()
    try:
        yield served
    finally:
        served.stop()


def _request(
    server: MetricsServer, method: str, path: str = "/metrics", **headers: str
) -> httpx.Response:
    base = server.url.removesuffix("/metrics")
    with httpx.Client(headers={"Accept-Encoding": "identity"}) as client:
        return client.request(method, base + path, headers=headers, timeout=5)


def test_get_serves_the_text_format_with_its_content_type(server: MetricsServer) -> None:
    response = _request(server, "GET")
    assert response.status_code == 200
    assert response.headers["content-type"] == TEXT_FORMAT
    assert "content-encoding" not in response.headers
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    assert families["probe_events"].samples[0].value == 5.0


def test_openmetrics_is_negotiated_from_accept(server: MetricsServer) -> None:
    response = _request(server, "GET", Accept="application/openmetrics-text; version=1.0.0")
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


def test_gzip_when_the_client_accepts_it(server: MetricsServer) -> None:
    plain = _request(server, "GET")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:  # http.client does not decompress: the test sees the bytes on the wire
        connection.request("GET", "/metrics", headers={"Accept-Encoding": "gzip"})
        zipped = connection.getresponse()
        body = zipped.read()
    finally:
        connection.close()
    assert zipped.status == 200
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert int(zipped.headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == plain.content
    assert zipped.headers["Content-Type"] == TEXT_FORMAT


def test_head_answers_headers_without_a_body(server: MetricsServer) -> None:
    get = _request(server, "GET")
    head = _request(server, "HEAD")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == TEXT_FORMAT
    assert head.headers["content-length"] == get.headers["content-length"]


@pytest.mark.parametrize("path", ["/", "/metrics/", "/metricsx", "/favicon.ico", "/other"])
def test_other_paths_are_not_found(server: MetricsServer, path: str) -> None:
    response = _request(server, "GET", path)
    assert response.status_code == 404
    assert "probe_events" not in response.text


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_other_methods_are_not_allowed(server: MetricsServer, method: str) -> None:
    response = _request(server, method)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


def test_a_silent_connection_is_closed_after_the_timeout(
    registry: CollectorRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics_server._QuietHandler, "timeout", 0.3)
    served = MetricsServer(registry)
    served.start()
    try:
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as idle:
            started = time.monotonic()
            assert idle.recv(1024) == b""  # closed by the server, without an answer
            assert time.monotonic() - started < 4
        assert _request(served, "GET").status_code == 200
    finally:
        served.stop()


def test_connections_past_the_bound_are_closed_at_once(
    registry: CollectorRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics_server._QuietHandler, "timeout", 4.0)
    served = MetricsServer(registry)
    served.start()
    idle = [
        socket.create_connection(("127.0.0.1", served.port), timeout=5)
        for _ in range(metrics_server.MAX_CONNECTIONS)
    ]
    try:
        time.sleep(0.5)  # let the server accept them all
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as extra:
            started = time.monotonic()
            assert extra.recv(1024) == b""
            assert time.monotonic() - started < 2.5  # not its own timeout: refused at once
    finally:
        for connection in idle:
            connection.close()
    deadline = time.monotonic() + 5
    while True:  # the slots come back once the idle connections are gone
        try:
            assert _request(served, "GET").status_code == 200
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    served.stop()


def test_metrics_exposition_serves_the_same_registry_for_an_app_route() -> None:
    assert apm_setup.metrics_exposition() is None
    assert apm_setup.initialize_observability(prometheus_port=0)
    registry = apm_setup.metrics_registry()
    assert registry is not None
    exposition = apm_setup.metrics_exposition()
    assert exposition is not None
    body, content_type = exposition
    assert content_type == TEXT_FORMAT
    assert b"tta_primitive_executions" in body
    openmetrics = apm_setup.metrics_exposition("application/openmetrics-text")
    assert openmetrics is not None
    assert openmetrics[1].startswith("application/openmetrics-text")
    assert render_metrics(registry)[1] == TEXT_FORMAT
