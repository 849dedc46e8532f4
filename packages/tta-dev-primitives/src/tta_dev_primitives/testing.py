"""Test doubles for workflows built from primitives."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from tta_dev_primitives.base import WorkflowPrimitive

if TYPE_CHECKING:
    from tta_dev_primitives.context import WorkflowContext
    from tta_dev_primitives.hooks import EventAttributes, PrimitiveEvent

__all__ = ["MockCall", "MockPrimitive", "RecordingHook"]


class MockCall(NamedTuple):
    """One recorded call of a :class:`MockPrimitive`."""

    input_data: Any
    context: WorkflowContext


class MockPrimitive(WorkflowPrimitive[Any, Any]):
    """A primitive that records its calls and returns a canned result.

    ``side_effect`` works like :class:`unittest.mock.Mock`'s: an exception
    (class or instance) is raised; a callable is called with the input (its
    result is awaited if awaitable) and its return value returned; an iterable
    supplies one outcome per call (exceptions in it are raised). Otherwise
    ``return_value`` is returned.
    """

    __slots__ = ("_outcomes", "calls", "return_value", "side_effect")

    def __init__(
        self,
        return_value: Any = None,
        *,
        side_effect: BaseException
        | type[BaseException]
        | Callable[[Any], Any]
        | Iterable[Any]
        | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        self.return_value = return_value
        self.side_effect = side_effect
        self.calls: list[MockCall] = []
        self._outcomes: Iterator[Any] | None = (
            iter(side_effect)
            if side_effect is not None
            and not callable(side_effect)
            and not isinstance(side_effect, BaseException)
            and isinstance(side_effect, Iterable)
            else None
        )

    @property
    def call_count(self) -> int:
        """How many times the primitive ran."""
        return len(self.calls)

    @property
    def called(self) -> bool:
        """Whether the primitive ran at least once."""
        return bool(self.calls)

    def assert_called_once_with(self, input_data: Any) -> None:
        """Fail unless the primitive ran exactly once, with ``input_data``."""
        if len(self.calls) != 1:
            raise AssertionError(f"{self.name}: expected 1 call, got {len(self.calls)}")
        if self.calls[0].input_data != input_data:
            raise AssertionError(
                f"{self.name}: called with {self.calls[0].input_data!r}, expected {input_data!r}"
            )

    def reset(self) -> None:
        """Forget the recorded calls."""
        self.calls.clear()

    async def _execute(self, input_data: Any, context: WorkflowContext) -> Any:
        self.calls.append(MockCall(input_data, context))
        effect = self.side_effect
        if self._outcomes is not None:
            try:
                effect = next(self._outcomes)
            except StopIteration:
                raise AssertionError(f"{self.name}: side_effect is exhausted") from None
            if not _is_exception(effect):
                return effect
        elif effect is None:
            return self.return_value
        if _is_exception(effect):
            raise cast("BaseException", effect)
        if callable(effect):
            result = effect(input_data)
            if inspect.isawaitable(result):
                result = await result
            return result
        return effect


def _is_exception(value: object) -> bool:
    return isinstance(value, BaseException) or (
        isinstance(value, type) and issubclass(value, BaseException)
    )


@dataclass
class RecordingHook:
    """An :class:`~tta_dev_primitives.hooks.ExecutionHook` that records every call, in order."""

    calls: list[tuple[Any, ...]] = field(default_factory=list)

    def on_start(self, primitive: Any, context: WorkflowContext) -> object:
        token = object()
        self.calls.append(("start", primitive.name, token))
        return token

    def on_end(
        self,
        token: object,
        primitive: Any,
        context: WorkflowContext,
        error: BaseException | None,
    ) -> None:
        self.calls.append(("end", primitive.name, token, error))

    def on_event(
        self,
        primitive: Any,
        context: WorkflowContext,
        event: PrimitiveEvent,
        attributes: EventAttributes,
    ) -> None:
        self.calls.append(("event", primitive.name, event, dict(attributes)))

    def events(self, event: PrimitiveEvent | None = None) -> list[dict[str, Any]]:
        return [c[3] for c in self.calls if c[0] == "event" and event in (None, c[2])]

    def starts(self) -> list[str]:
        return [c[1] for c in self.calls if c[0] == "start"]

    def ends(self) -> list[tuple[str, BaseException | None]]:
        return [(c[1], c[3]) for c in self.calls if c[0] == "end"]
