"""Bound a primitive's run time."""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, TypeVar

from tta_dev_primitives import hooks
from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.hooks import PrimitiveEvent

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["TimeoutPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


class TimeoutPrimitive(WorkflowPrimitive[TIn, TOut]):
    """Run ``primitive`` under ``asyncio.timeout(timeout_seconds)``.

    When time runs out the inner work is cancelled; then ``fallback`` runs if
    given, otherwise the builtin :class:`TimeoutError` propagates. A
    ``TimeoutError`` raised by the inner primitive itself is not treated as a
    timeout and propagates unchanged.
    """

    __slots__ = ("_fallback", "_primitive", "_timeout")

    def __init__(
        self,
        primitive: WorkflowPrimitive[TIn, TOut],
        timeout_seconds: float,
        *,
        fallback: WorkflowPrimitive[TIn, TOut] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        if not isinstance(primitive, WorkflowPrimitive):
            raise ValueError("primitive must be a WorkflowPrimitive")
        if (
            isinstance(timeout_seconds, bool)
            or not isinstance(timeout_seconds, int | float)
            or not math.isfinite(timeout_seconds)
            or timeout_seconds <= 0
        ):
            raise ValueError(
                f"timeout_seconds must be a finite number > 0, got {timeout_seconds!r}"
            )
        if fallback is not None and not isinstance(fallback, WorkflowPrimitive):
            raise ValueError("fallback must be a WorkflowPrimitive or None")
        self._primitive = primitive
        self._timeout = float(timeout_seconds)
        self._fallback = fallback

    @property
    def timeout_seconds(self) -> float:
        """The time budget of one run, in seconds."""
        return self._timeout

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        deadline = asyncio.timeout(self._timeout)
        try:
            async with deadline:
                return await self._primitive.execute(input_data, context)
        except TimeoutError:
            if not deadline.expired():
                raise
        hook = hooks.active
        if hook is not None:
            hook.on_event(self, context, PrimitiveEvent.TIMEOUT, {"timeout_seconds": self._timeout})
        if self._fallback is None:
            raise TimeoutError(f"{self.name}: timed out after {self._timeout} seconds")
        if hook is not None:
            hook.on_event(
                self, context, PrimitiveEvent.FALLBACK_TAKEN, {"error_type": "TimeoutError"}
            )
        return await self._fallback.execute(input_data, context)
