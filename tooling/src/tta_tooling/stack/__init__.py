"""The service stack: Redis and Prometheus via compose, system binaries or embedded Redis."""

from __future__ import annotations

from tta_tooling.stack.binaries import INSTALL_HINT, embedded_redis_server, redis_server_binary
from tta_tooling.stack.errors import StackError
from tta_tooling.stack.lifecycle import BACKENDS, down, logs, status, up
from tta_tooling.stack.state import ServiceRecord, StackState, default_state_path

__all__ = [
    "BACKENDS",
    "INSTALL_HINT",
    "ServiceRecord",
    "StackError",
    "StackState",
    "default_state_path",
    "down",
    "embedded_redis_server",
    "logs",
    "redis_server_binary",
    "status",
    "up",
]
