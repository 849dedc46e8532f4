"""Retry a primitive with exponential backoff and full jitter."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from tta_dev_primitives import hooks
from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.hooks import PrimitiveEvent

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext

__all__ = ["RetryPrimitive"]

TIn = TypeVar("TIn")
TOut = TypeVar("TOut")


def _retry_any_exception(error: Exception) -> bool:
    return True


class RetryPrimitive(WorkflowPrimitive[TIn, TOut]):
    """Run ``primitive`` up to ``max_attempts`` times while it raises a retryable error.

    Before attempt ``n + 1`` it sleeps a random delay in
    ``[0, min(max_delay, base_delay * backoff_factor ** (n - 1))]`` (full jitter).
    ``retry_on(error)`` decides whether an :class:`Exception` is retryable;
    cancellation and other ``BaseException``\\ s are never retried. ``sleep``
    and ``random`` are injectable for tests.
    """

    __slots__ = (
        "_backoff_factor",
        "_base_delay",
        "_max_attempts",
        "_max_delay",
        "_primitive",
        "_random",
        "_retry_on",
        "_sleep",
    )

    def __init__(
        self,
        primitive: WorkflowPrimitive[TIn, TOut],
        *,
        max_attempts: int = 3,
        base_delay: float = 0.1,
        max_delay: float = 10.0,
        backoff_factor: float = 2.0,
        retry_on: Callable[[Exception], bool] | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        random: Callable[[], float] = random.random,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        if not isinstance(primitive, WorkflowPrimitive):
            raise ValueError("primitive must be a WorkflowPrimitive")
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int):
            raise ValueError(f"max_attempts must be an int, got {max_attempts!r}")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {max_attempts}")
        if base_delay < 0:
            raise ValueError(f"base_delay must be >= 0, got {base_delay}")
        if max_delay < 0:
            raise ValueError(f"max_delay must be >= 0, got {max_delay}")
        if backoff_factor < 1:
            raise ValueError(f"backoff_factor must be >= 1, got {backoff_factor}")
        self._primitive = primitive
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._backoff_factor = backoff_factor
        self._retry_on = retry_on if retry_on is not None else _retry_any_exception
        self._sleep = sleep
        self._random = random

    @property
    def max_attempts(self) -> int:
        """The maximum number of attempts, the first one included."""
        return self._max_attempts

    def backoff_ceiling(self, attempt: int) -> float:
        """The upper bound of the delay before ``attempt`` (2 for the first retry)."""
        exponent = attempt - 2
        try:
            ceiling = self._base_delay * self._backoff_factor**exponent
        except OverflowError:
            return self._max_delay
        return min(self._max_delay, ceiling)

    async def _execute(self, input_data: TIn, context: WorkflowContext) -> TOut:
        attempt = 1
        while True:
            try:
                return await self._primitive.execute(input_data, context)
            except Exception as error:
                if attempt >= self._max_attempts or not self._retry_on(error):
                    raise
                attempt += 1
                delay = self._random() * self.backoff_ceiling(attempt)
                hook = hooks.active
                if hook is not None:
                    hook.on_event(
                        self,
                        context,
                        PrimitiveEvent.RETRY_ATTEMPT,
                        {
                            "attempt": attempt,
                            "delay_seconds": delay,
                            "error_type": type(error).__name__,
                        },
                    )
            await self._sleep(delay)
