"""Run primitives one after another, feeding each output to the next."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.composition.members import checked_members

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["SequentialPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


class SequentialPrimitive(WorkflowPrimitive[TIn, TOut]):
    """Run ``steps`` in order; each step's output is the next step's input."""

    __slots__ = ("_steps",)

    def __init__(
        self: SequentialPrimitive[Any, Any],
        steps: Iterable[WorkflowPrimitive[Any, Any]],
        *,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self._steps: tuple[WorkflowPrimitive[Any, Any], ...] = tuple(
            flat for step in checked_members(steps, "steps") for flat in _flatten(step)
        )

    @property
    def steps(self) -> tuple[WorkflowPrimitive[Any, Any], ...]:
        """The steps, in execution order."""
        return self._steps

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        value: Any = input_data
        for step in self._steps:
            value = await step.execute(value, context)
        return value  # type: ignore[no-any-return]


def _flatten(step: WorkflowPrimitive[Any, Any]) -> tuple[WorkflowPrimitive[Any, Any], ...]:
    """Inline an unnamed nested sequence; keep a named one as a single step."""
    if type(step) is SequentialPrimitive and step.name == SequentialPrimitive.__name__:
        return step.steps
    return (step,)
