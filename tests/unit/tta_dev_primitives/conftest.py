"""Fixtures for the tta_dev_primitives unit tests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from tta_dev_primitives import PrimitiveEvent, WorkflowContext, hooks


@dataclass
class RecordingHook:
    """An ExecutionHook that records every call, in order."""

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
        attributes: Mapping[str, str | int | float | bool],
    ) -> None:
        self.calls.append(("event", primitive.name, event, dict(attributes)))

    def events(self, event: PrimitiveEvent | None = None) -> list[dict[str, Any]]:
        return [c[3] for c in self.calls if c[0] == "event" and event in (None, c[2])]

    def starts(self) -> list[str]:
        return [c[1] for c in self.calls if c[0] == "start"]

    def ends(self) -> list[tuple[str, BaseException | None]]:
        return [(c[1], c[3]) for c in self.calls if c[0] == "end"]


@pytest.fixture
def hook() -> Iterator[RecordingHook]:
    recording = RecordingHook()
    hooks.install_hook(recording)
    try:
        yield recording
    finally:
        hooks.uninstall_hook()


@pytest.fixture(autouse=True)
def _no_hook_leaks() -> Iterator[None]:
    yield
    hooks.uninstall_hook()


@pytest.fixture
def ctx() -> WorkflowContext:
    return WorkflowContext(workflow_id="wf-1", session_id="s-1")
