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

Several hooks can be installed (:func:`install_hook` adds one, :func:`uninstall_hook`
removes one). With no hook installed the cost per execution is one module
attribute check; a single hook is called directly, so its exceptions propagate
like the primitive's own; several are called through a composite, in install
order, which logs a hook's exception at WARNING and goes on with the others.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeAlias, cast

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = [
    "EventAttributes",
    "ExecutionHook",
    "PrimitiveEvent",
    "get_hook",
    "get_hooks",
    "install_hook",
    "uninstall_hook",
]


_logger = logging.getLogger(__name__)

EventAttributes: TypeAlias = Mapping[str, str | int | float | bool]
"""What an event carries: attribute names and their values (see :class:`PrimitiveEvent`)."""


class PrimitiveEvent(StrEnum):
    """Names of primitive-specific events, with the attributes each one carries."""

    CACHE_HIT = "cache.hit"  # key_hash: str
    CACHE_MISS = "cache.miss"  # key_hash: str
    CACHE_EVICTION = "cache.eviction"  # count: int
    CACHE_BACKEND_ERROR = "cache.backend_error"  # operation: str, error_type: str
    CACHE_UNCACHEABLE = "cache.uncacheable"  # error_type: str
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
        attributes: EventAttributes,
    ) -> None:
        """Called for a primitive-specific event while the primitive runs."""


active: ExecutionHook | None = None
"""What primitives call on every execution: ``None`` (no hook), the single
installed hook itself, or a :class:`_CompositeHook` over several."""

_installed: tuple[ExecutionHook, ...] = ()
_SKIPPED: Final = object()
"""The token of a hook whose ``on_start`` raised: its ``on_end`` is not called."""


def install_hook(hook: ExecutionHook) -> None:
    """Add ``hook`` after the hooks already installed.

    Raises ``ValueError`` if this very object is already installed.
    """
    if any(installed is hook for installed in _installed):
        raise ValueError(f"hook {hook!r} is already installed")
    _set((*_installed, hook))


def uninstall_hook(hook: ExecutionHook) -> None:
    """Remove ``hook``; the other hooks stay. Raises ``ValueError`` if it is not installed."""
    remaining = tuple(installed for installed in _installed if installed is not hook)
    if len(remaining) == len(_installed):
        raise ValueError(f"hook {hook!r} is not installed")
    _set(remaining)


def get_hooks() -> tuple[ExecutionHook, ...]:
    """The installed hooks, in install order."""
    return _installed


def get_hook() -> ExecutionHook | None:
    """What primitives call: ``None``, the single installed hook, or a composite of several."""
    return active


def _set(installed: tuple[ExecutionHook, ...]) -> None:
    global _installed, active  # noqa: PLW0603 - the single switch primitives read
    _installed = installed
    if not installed:
        active = None
    elif len(installed) == 1:
        active = installed[0]
    else:
        active = _CompositeHook(installed)


class _CompositeHook:
    """Calls several hooks in install order; one hook's exception is logged, never raised,
    so it breaks neither the workflow nor the hooks after it."""

    __slots__ = ("_hooks",)

    def __init__(self, hooks: tuple[ExecutionHook, ...]) -> None:
        self._hooks = hooks

    def on_start(self, primitive: Any, context: WorkflowContext) -> object:
        tokens: list[object] = []
        for hook in self._hooks:
            try:
                tokens.append(hook.on_start(primitive, context))
            except Exception:
                _hook_failed(hook, "on_start")
                tokens.append(_SKIPPED)
        return tokens

    def on_end(
        self,
        token: object,
        primitive: Any,
        context: WorkflowContext,
        error: BaseException | None,
    ) -> None:
        for hook, hook_token in zip(self._hooks, cast("list[object]", token), strict=True):
            if hook_token is _SKIPPED:
                continue
            try:
                hook.on_end(hook_token, primitive, context, error)
            except Exception:
                _hook_failed(hook, "on_end")

    def on_event(
        self,
        primitive: Any,
        context: WorkflowContext,
        event: PrimitiveEvent,
        attributes: EventAttributes,
    ) -> None:
        for hook in self._hooks:
            try:
                hook.on_event(primitive, context, event, attributes)
            except Exception:
                _hook_failed(hook, "on_event")


def _hook_failed(hook: ExecutionHook, method: str) -> None:
    _logger.warning("instrumentation hook %r failed in %s", hook, method, exc_info=True)
