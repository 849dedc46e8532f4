"""Run a fallback primitive when the primary one fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tta_dev_primitives import hooks
from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.hooks import PrimitiveEvent

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["FallbackPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


def _fall_back_on_any_exception(error: Exception) -> bool:
    return True


class FallbackPrimitive(WorkflowPrimitive[TIn, TOut]):
    """Run ``primary``; if it raises an :class:`Exception` accepted by ``fallback_on``,
    run ``fallback`` on the same input instead.

    Cancellation is never turned into a fallback. If the fallback fails too,
    its error propagates (with the primary error as ``__context__``).
    """

    __slots__ = ("_fallback", "_fallback_on", "_primary")

    def __init__(
        self,
        primary: WorkflowPrimitive[TIn, TOut],
        fallback: WorkflowPrimitive[TIn, TOut],
        *,
        fallback_on: Callable[[Exception], bool] | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        if not isinstance(primary, WorkflowPrimitive):
            raise ValueError("primary must be a WorkflowPrimitive")
        if not isinstance(fallback, WorkflowPrimitive):
            raise ValueError("fallback must be a WorkflowPrimitive")
        self._primary = primary
        self._fallback = fallback
        self._fallback_on = fallback_on if fallback_on is not None else _fall_back_on_any_exception

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        try:
            return await self._primary.execute(input_data, context)
        except Exception as error:
            if not self._fallback_on(error):
                raise
            hook = hooks.active
            if hook is not None:
                hook.on_event(
                    self,
                    context,
                    PrimitiveEvent.FALLBACK_TAKEN,
                    {"error_type": type(error).__name__},
                )
            return await self._fallback.execute(input_data, context)
