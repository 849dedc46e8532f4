"""The proposal imports the core types from ``tta_dev_primitives.core.base``."""

from __future__ import annotations

import tta_dev_primitives
from tta_dev_primitives.core.base import WorkflowContext, WorkflowPrimitive


def test_core_base_exports_the_package_types() -> None:
    assert WorkflowContext is tta_dev_primitives.WorkflowContext
    assert WorkflowPrimitive is tta_dev_primitives.WorkflowPrimitive
    context = WorkflowContext(workflow_id="test-workflow", session_id="test-session")
    assert (context.workflow_id, context.session_id) == ("test-workflow", "test-session")
