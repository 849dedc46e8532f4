"""Instrumentation hook interface: how observability plugs into every primitive.

`tta_dev_primitives` never imports a telemetry library. Instead, every primitive
execution calls the installed :class:`ExecutionHook` (if any):

* ``on_start(primitive, context)`` right before the primitive's own work starts,
  in the task that runs it; whatever it returns is handed back to ``on_end``;
* ``on_end(token, primitive, context, error)`` when that work finishes, in the
  same task (``error`` is ``None`` on success, the exception otherwise,
  including ``asyncio.CancelledError``);
* ``on_event(primitive, context, event, attributes)`` for primitive-specific
  events (see :class:`PrimitiveEvent` for the names and their attributes).

With no hook installed the cost per execution is one module attribute check.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = [
    "ExecutionHook",
    "PrimitiveEvent",
    "get_hook",
    "install_hook",
    "uninstall_hook",
]


class PrimitiveEvent(StrEnum):
    """Names of primitive-specific events, with the attributes each one carries."""

    CACHE_HIT = "cache.hit"  # key_hash: str
    CACHE_MISS = "cache.miss"  # key_hash: str
    CACHE_EVICTION = "cache.eviction"  # count: int
    CACHE_BACKEND_ERROR = "cache.backend_error"  # operation: str, error_type: str
    ROUTE_CHOSEN = "router.route_chosen"  # route: str, cost_saved: float
    RETRY_ATTEMPT = "retry.attempt"  # attempt: int, delay_seconds: float, error_type: str
    FALLBACK_TAKEN = "fallback.taken"  # error_type: str
    TIMEOUT = "timeout"  # timeout_seconds: float


class ExecutionHook(Protocol):
    """Receives the start, end and events of every primitive execution."""

    def on_start(self, primitive: Any, context: WorkflowContext) -> object:
        """Called before the primitive runs; the return value is passed to ``on_end``."""

    def on_end(
        self,
        token: object,
        primitive: Any,
        context: WorkflowContext,
        error: BaseException | None,
    ) -> None:
        """Called after the primitive ran, in the same task as ``on_start``."""

    def on_event(
        self,
        primitive: Any,
        context: WorkflowContext,
        event: PrimitiveEvent,
        attributes: Mapping[str, str | int | float | bool],
    ) -> None:
        """Called for a primitive-specific event while the primitive runs."""


active: ExecutionHook | None = None
"""The installed hook; primitives read this attribute on every execution."""


def install_hook(hook: ExecutionHook) -> None:
    """Install ``hook`` for every primitive; replaces any hook installed before."""
    global active  # noqa: PLW0603 - the single switch primitives read
    active = hook


def uninstall_hook() -> None:
    """Remove the installed hook; primitives run uninstrumented again."""
    global active  # noqa: PLW0603
    active = None


def get_hook() -> ExecutionHook | None:
    """Return the installed hook, or ``None``."""
    return active
