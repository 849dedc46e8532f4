"""``from tta_dev_primitives.core.base import WorkflowContext``: the proposal's import path.

The types live in :mod:`tta_dev_primitives.context` and :mod:`tta_dev_primitives.base`;
this module re-exports them so code written against that path keeps working.
"""

from tta_dev_primitives.base import WorkflowPrimitive
from tta_dev_primitives.context import WorkflowContext

__all__ = ["WorkflowContext", "WorkflowPrimitive"]
