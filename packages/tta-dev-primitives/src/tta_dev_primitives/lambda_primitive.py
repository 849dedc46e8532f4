"""Wrap a plain sync or async callable as a primitive."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar, cast, overload

from tta_dev_primitives import hooks
from tta_dev_primitives.base import WorkflowPrimitive

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["LambdaPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


class LambdaPrimitive(WorkflowPrimitive[TIn, TOut]):
    """A primitive running ``fn(input)``; ``fn`` may be sync or ``async``."""

    __slots__ = ("_async_fn", "_fn")

    @overload
    def __init__(
        self, fn: Callable[[TIn], Awaitable[TOut]], *, name: str | None = None
    ) -> None: ...

    @overload
    def __init__(self, fn: Callable[[TIn], TOut], *, name: str | None = None) -> None: ...

    def __init__(
        self,
        fn: Callable[[TIn], Awaitable[TOut]] | Callable[[TIn], TOut],
        *,
        name: str | None = None,
    ) -> None:
        if not callable(fn):
            raise ValueError(f"fn must be callable, got {type(fn).__name__}")
        super().__init__(name=name)
        self._fn = fn
        self._async_fn: Callable[[TIn], Coroutine[Any, Any, TOut]] | None = (
            cast("Callable[[TIn], Coroutine[Any, Any, TOut]]", fn)
            if inspect.iscoroutinefunction(fn)
            else None
        )

    @property
    def fn(self) -> Callable[[TIn], Awaitable[TOut]] | Callable[[TIn], TOut]:
        """The wrapped callable."""
        return self._fn

    def execute(self, input_data: TIn, context: WorkflowContext) -> Coroutine[Any, Any, TOut]:
        """Run ``fn``; an ``async`` fn's coroutine is returned as is when uninstrumented."""
        hook = hooks.active
        if hook is None:
            async_fn = self._async_fn
            if async_fn is not None:
                return async_fn(input_data)
            return self._execute(input_data, context)
        return self._run_instrumented(hook, input_data, context)

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        result = self._fn(input_data)
        if self._async_fn is not None or inspect.isawaitable(result):
            return await cast("Awaitable[TOut]", result)
        return result
