"""The services the stack offers: how each is named, exported, addressed and probed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tta_tooling.stack.health import prometheus_is_ready, redis_answers_ping
from tta_tooling.stack.ports import HOST


@dataclass(frozen=True)
class Service:
    """One service: its environment variable, compose port, URL form and health probe."""

    name: str
    env: str
    compose_port: int
    url_template: str
    healthy: Callable[[int], bool]

    def url(self, port: int) -> str:
        """The URL a client uses to reach this service on ``port``."""
        return self.url_template.format(host=HOST, port=port)


SERVICES: dict[str, Service] = {
    "redis": Service("redis", "REDIS_URL", 6379, "redis://{host}:{port}/0", redis_answers_ping),
    "prometheus": Service(
        "prometheus", "PROMETHEUS_URL", 9090, "http://{host}:{port}", prometheus_is_ready
    ),
}
"""Every service by name, in start order."""

COMPOSE_APP_PORT = 8000
"""tta-api's port that the compose stack's Prometheus scrapes (``host.docker.internal:8000``
in monitoring/prometheus.yml)."""
