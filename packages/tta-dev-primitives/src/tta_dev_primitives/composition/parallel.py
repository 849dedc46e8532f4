"""Run primitives concurrently on the same input."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.composition.members import checked_members
from tta_dev_primitives.errors import record_secondary_errors

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["ParallelPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


class ParallelPrimitive(WorkflowPrimitive[TIn, list[TOut]]):
    """Run ``branches`` concurrently (as asyncio tasks); results keep branch order.

    Each branch runs with its own ``context.child()``: its writes to ``state`` are
    its own. The parent sees them afterwards as ``context.branches[<name>]``, the
    branch contexts of this primitive's latest run on that context, in branch
    order (name nested ParallelPrimitives apart to read each).

    The result has one item per branch as given: a nested ParallelPrimitive stays
    one branch whose result is a list. Only the ``|`` operator flattens, and only
    operands it built itself: ``a | b | c`` and ``a | (b | c)`` both have three
    branches.

    On the first failure the other branches are cancelled and that error
    propagates; errors other branches raised before they could be cancelled are
    attached to it (see :func:`~tta_dev_primitives.secondary_errors`). With
    ``return_exceptions=True`` every branch runs to the end and failures appear
    in the result list as exception objects.
    """

    __slots__ = ("_branches", "_built_by_operator", "_return_exceptions")

    def __init__(
        self,
        branches: Iterable[WorkflowPrimitive[TIn, TOut]],
        *,
        return_exceptions: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self._branches: tuple[WorkflowPrimitive[TIn, TOut], ...] = checked_members(
            branches, "branches"
        )
        self._return_exceptions = return_exceptions
        self._built_by_operator = False

    @property
    def branches(self) -> tuple[WorkflowPrimitive[TIn, TOut], ...]:
        """The branches, in result order."""
        return self._branches

    @property
    def return_exceptions(self) -> bool:
        """Whether failures are returned in the results instead of raised."""
        return self._return_exceptions

    def __or__(  # type: ignore[override]
        self, other: WorkflowPrimitive[TIn, TOut]
    ) -> ParallelPrimitive[TIn, TOut]:
        return ParallelPrimitive._combine(self, other)

    @classmethod
    def _combine(
        cls, first: WorkflowPrimitive[Any, Any], second: WorkflowPrimitive[Any, Any]
    ) -> ParallelPrimitive[Any, Any]:
        if not isinstance(second, WorkflowPrimitive):
            return NotImplemented
        combined = cls((*_operands(first), *_operands(second)))
        combined._built_by_operator = True
        return combined

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> list[TOut]:
        child = context.child
        contexts = tuple([child() for _ in self._branches])
        context.branches[self.name] = contexts
        runs = [
            branch.execute(input_data, branch_context)
            for branch, branch_context in zip(self._branches, contexts, strict=True)
        ]
        if self._return_exceptions:
            results: list[Any] = await asyncio.gather(*runs, return_exceptions=True)
            return results
        create_task = asyncio.get_running_loop().create_task
        tasks = [create_task(run) for run in runs]
        try:
            return await asyncio.gather(*tasks)
        except BaseException as error:
            pending = [task for task in tasks if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
            _attach_secondary_errors(error, tasks)
            raise


def _operands(primitive: WorkflowPrimitive[Any, Any]) -> tuple[WorkflowPrimitive[Any, Any], ...]:
    if isinstance(primitive, ParallelPrimitive) and primitive._built_by_operator:
        return primitive.branches
    return (primitive,)


def _attach_secondary_errors(error: BaseException, tasks: list[asyncio.Task[Any]]) -> None:
    """Attach the errors of branches that failed (not cancelled) besides ``error``."""
    raised = [task.exception() for task in tasks if task.done() and not task.cancelled()]
    others = [other for other in raised if other is not None and other is not error]
    record_secondary_errors(error, others)
