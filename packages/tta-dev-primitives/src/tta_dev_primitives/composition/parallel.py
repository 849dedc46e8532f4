"""Run primitives concurrently on the same input."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from tta_dev_primitives.base import WorkflowPrimitive

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["ParallelPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


class ParallelPrimitive(WorkflowPrimitive[TIn, list[TOut]]):
    """Run ``branches`` concurrently (as asyncio tasks); results keep branch order.

    On the first failure the other branches are cancelled and the error
    propagates. With ``return_exceptions=True`` every branch runs to the end
    and failures appear in the result list as exception objects.
    """

    __slots__ = ("_branches", "_return_exceptions")

    def __init__(
        self,
        branches: Iterable[WorkflowPrimitive[TIn, TOut]],
        *,
        return_exceptions: bool = False,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        flat: list[WorkflowPrimitive[TIn, TOut]] = []
        for branch in branches:
            if not isinstance(branch, WorkflowPrimitive):
                raise ValueError(f"branches must be WorkflowPrimitive instances, got {branch!r}")
            if (
                type(branch) is ParallelPrimitive
                and branch.name == ParallelPrimitive.__name__
                and branch.return_exceptions == return_exceptions
            ):
                flat.extend(branch._branches)
            else:
                flat.append(branch)
        if not flat:
            raise ValueError("branches must contain at least one primitive")
        self._branches: tuple[WorkflowPrimitive[TIn, TOut], ...] = tuple(flat)
        self._return_exceptions = return_exceptions

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
        return cls((first, second))

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> list[TOut]:
        if self._return_exceptions:
            results: list[Any] = await asyncio.gather(
                *[branch.execute(input_data, context) for branch in self._branches],
                return_exceptions=True,
            )
            return results
        create_task = asyncio.get_running_loop().create_task
        tasks = [create_task(branch.execute(input_data, context)) for branch in self._branches]
        try:
            return await asyncio.gather(*tasks)
        except BaseException:
            pending = [task for task in tasks if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
            raise
