"""The primitive base class: instrumentation wiring and composition operators."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from tta_dev_primitives import hooks

if TYPE_CHECKING:
    from tta_dev_primitives.composition.parallel import ParallelPrimitive
    from tta_dev_primitives.composition.sequential import SequentialPrimitive
    from tta_dev_primitives.context import WorkflowContext
    from tta_dev_primitives.hooks import ExecutionHook

__all__ = ["WorkflowPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")
TNext = TypeVar("TNext")


class WorkflowPrimitive(ABC, Generic[TIn, TOut]):
    """An async unit of work taking ``TIn`` and producing ``TOut``.

    Subclasses implement :meth:`_execute`; callers use :meth:`execute`, which
    reports the run to the installed :mod:`~tta_dev_primitives.hooks` hook.
    ``a >> b`` chains primitives, ``a | b`` runs them concurrently.
    """

    __slots__ = ("name",)

    def __init__(self, *, name: str | None = None) -> None:
        self.name: str = name if name is not None else type(self).__name__

    @property
    def primitive_type(self) -> str:
        """The primitive's type name, as reported to instrumentation."""
        return type(self).__name__

    def execute(self, input_data: TIn, context: WorkflowContext) -> Coroutine[Any, Any, TOut]:
        """Run the primitive; returns a coroutine to await.

        A plain method returning the coroutine, so the uninstrumented path adds
        no frame: with no hook installed the cost is one attribute check.
        """
        hook = hooks.active
        if hook is None:
            return self._execute(input_data, context)
        return self._run_instrumented(hook, input_data, context)

    async def _run_instrumented(
        self, hook: ExecutionHook, input_data: TIn, context: WorkflowContext
    ) -> TOut:
        token = hook.on_start(self, context)
        try:
            result = await self._execute(input_data, context)
        except BaseException as error:
            hook.on_end(token, self, context, error)
            raise
        hook.on_end(token, self, context, None)
        return result

    @abstractmethod
    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        """Do the primitive's work."""

    def __rshift__(self, other: WorkflowPrimitive[TOut, TNext]) -> SequentialPrimitive[TIn, TNext]:
        from tta_dev_primitives.composition.sequential import SequentialPrimitive  # noqa: PLC0415 - cycle

        if not isinstance(other, WorkflowPrimitive):
            return NotImplemented
        return SequentialPrimitive((self, other))

    def __or__(self, other: WorkflowPrimitive[TIn, TOut]) -> ParallelPrimitive[TIn, TOut]:
        from tta_dev_primitives.composition.parallel import ParallelPrimitive  # noqa: PLC0415 - cycle

        return ParallelPrimitive._combine(self, other)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
