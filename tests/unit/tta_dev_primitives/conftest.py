"""Fixtures for the tta_dev_primitives unit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tta_dev_primitives import RecordingHook, WorkflowContext, hooks


@pytest.fixture
def hook() -> Iterator[RecordingHook]:
    recording = RecordingHook()
    hooks.install_hook(recording)
    try:
        yield recording
    finally:
        hooks.uninstall_hook(recording)


@pytest.fixture(autouse=True)
def _no_hook_leaks() -> Iterator[None]:
    yield
    for installed in hooks.get_hooks():
        hooks.uninstall_hook(installed)


@pytest.fixture
def ctx() -> WorkflowContext:
    return WorkflowContext(workflow_id="wf-1", session_id="s-1")
