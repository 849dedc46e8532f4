"""Installing, composing and removing instrumentation hooks."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from tta_dev_primitives import (
    MockPrimitive,
    PrimitiveEvent,
    RecordingHook,
    RetryPrimitive,
    WorkflowContext,
    hooks,
)


class BrokenHook:
    """Raises from every method it is told to."""

    def __init__(self, *failing: str) -> None:
        self.failing = set(failing)
        self.calls: list[str] = []

    def _maybe_fail(self, method: str) -> None:
        self.calls.append(method)
        if method in self.failing:
            raise RuntimeError(f"{method} broke")

    def on_start(self, primitive: Any, context: WorkflowContext) -> object:
        self._maybe_fail("on_start")
        return "token"

    def on_end(
        self, token: object, primitive: Any, context: WorkflowContext, error: BaseException | None
    ) -> None:
        self._maybe_fail("on_end")

    def on_event(
        self,
        primitive: Any,
        context: WorkflowContext,
        event: PrimitiveEvent,
        attributes: hooks.EventAttributes,
    ) -> None:
        self._maybe_fail("on_event")

    def __repr__(self) -> str:
        return "BrokenHook()"


def test_no_hook_then_one_hook_is_called_directly():
    assert hooks.get_hooks() == ()
    assert hooks.get_hook() is None
    first = RecordingHook()
    hooks.install_hook(first)
    assert hooks.get_hooks() == (first,)
    assert hooks.active is first
    assert hooks.get_hook() is first
    hooks.uninstall_hook(first)
    assert hooks.get_hook() is None


def test_installing_adds_and_never_replaces(ctx):
    first, second = RecordingHook(), RecordingHook()
    hooks.install_hook(first)
    hooks.install_hook(second)
    assert hooks.get_hooks() == (first, second)
    assert hooks.active is not first
    assert hooks.active is not second


def test_installing_the_same_hook_twice_is_refused():
    hook = BrokenHook()
    hooks.install_hook(hook)
    with pytest.raises(ValueError, match=r"BrokenHook\(\) is already installed"):
        hooks.install_hook(hook)
    assert hooks.get_hooks() == (hook,)


def test_equal_but_distinct_hooks_are_distinct():
    first, second = RecordingHook(), RecordingHook()
    assert first == second  # dataclass equality
    hooks.install_hook(first)
    hooks.install_hook(second)
    hooks.uninstall_hook(second)
    assert hooks.get_hooks() == (first,)
    assert hooks.get_hooks()[0] is first


def test_uninstall_removes_only_that_hook():
    first, second, third = RecordingHook(), RecordingHook(), RecordingHook()
    for hook in (first, second, third):
        hooks.install_hook(hook)
    hooks.uninstall_hook(second)
    assert hooks.get_hooks() == (first, third)
    hooks.uninstall_hook(first)
    assert hooks.active is third
    with pytest.raises(ValueError, match="is not installed"):
        hooks.uninstall_hook(first)


async def test_several_hooks_see_every_call_in_install_order(ctx):
    order: list[str] = []

    class Named(RecordingHook):
        def __init__(self, label: str) -> None:
            super().__init__()
            self.label = label

        def on_start(self, primitive: Any, context: WorkflowContext) -> object:
            order.append(self.label)
            return super().on_start(primitive, context)

    first, second = Named("first"), Named("second")
    hooks.install_hook(first)
    hooks.install_hook(second)
    flaky = RetryPrimitive(MockPrimitive(side_effect=[ValueError("x"), 1]), base_delay=0)
    assert await flaky.execute(0, ctx) == 1
    assert order[:2] == ["first", "second"]
    for hook in (first, second):
        assert hook.starts() == ["RetryPrimitive", "MockPrimitive", "MockPrimitive"]
        assert [name for name, _ in hook.ends()] == [
            "MockPrimitive",
            "MockPrimitive",
            "RetryPrimitive",
        ]
        assert len(hook.events(PrimitiveEvent.RETRY_ATTEMPT)) == 1
        # each hook gets back its own token
        start_tokens = [c[2] for c in hook.calls if c[0] == "start"]
        end_tokens = [c[2] for c in hook.calls if c[0] == "end"]
        assert sorted(map(id, start_tokens)) == sorted(map(id, end_tokens))


@pytest.mark.parametrize("failing", ["on_start", "on_end", "on_event"])
async def test_a_raising_hook_breaks_neither_the_workflow_nor_the_other_hooks(ctx, caplog, failing):
    broken = BrokenHook(failing)
    recording = RecordingHook()
    hooks.install_hook(broken)
    hooks.install_hook(recording)
    flaky = RetryPrimitive(MockPrimitive(side_effect=[ValueError("x"), 7]), base_delay=0)
    with caplog.at_level(logging.WARNING, logger="tta_dev_primitives.hooks"):
        assert await flaky.execute(0, ctx) == 7
    assert recording.starts() == ["RetryPrimitive", "MockPrimitive", "MockPrimitive"]
    assert len(recording.ends()) == 3
    assert len(recording.events(PrimitiveEvent.RETRY_ATTEMPT)) == 1
    assert f"hook BrokenHook() failed in {failing}" in caplog.text
    if failing == "on_start":
        assert "on_end" not in broken.calls  # no end without a start


async def test_failure_is_still_reported_to_every_hook(ctx):
    first, second = RecordingHook(), RecordingHook()
    hooks.install_hook(first)
    hooks.install_hook(second)
    error = KeyError("k")
    with pytest.raises(KeyError):
        await MockPrimitive(side_effect=error).execute(0, ctx)
    assert first.ends()[-1][1] is error
    assert second.ends()[-1][1] is error
