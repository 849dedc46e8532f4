"""Choose between two primitives with a predicate."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tta_dev_primitives.base import WorkflowPrimitive

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["ConditionalPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


class ConditionalPrimitive(WorkflowPrimitive[TIn, TOut]):
    """Run ``then_primitive`` when ``condition(input, context)`` is true, else ``else_primitive``.

    Without ``else_primitive`` a false condition returns the input unchanged.
    """

    __slots__ = ("_condition", "_else", "_then")

    def __init__(
        self,
        condition: Callable[[TIn, WorkflowContext], bool],
        then_primitive: WorkflowPrimitive[TIn, TOut],
        else_primitive: WorkflowPrimitive[TIn, TOut] | None = None,
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        if not callable(condition):
            raise ValueError("condition must be callable")
        if not isinstance(then_primitive, WorkflowPrimitive):
            raise ValueError("then_primitive must be a WorkflowPrimitive")
        if else_primitive is not None and not isinstance(else_primitive, WorkflowPrimitive):
            raise ValueError("else_primitive must be a WorkflowPrimitive or None")
        self._condition = condition
        self._then = then_primitive
        self._else = else_primitive

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        if self._condition(input_data, context):
            return await self._then.execute(input_data, context)
        if self._else is None:
            result: Any = input_data
            return result  # type: ignore[no-any-return]
        return await self._else.execute(input_data, context)
