"""The per-run context every primitive receives."""

from __future__ import annotations

import os
from typing import Any, NamedTuple

__all__ = ["RouteDecision", "WorkflowContext"]


class RouteDecision(NamedTuple):
    """One routing decision taken by a :class:`~tta_dev_primitives.RouterPrimitive`."""

    router: str
    route: str
    cost_saved: float


class WorkflowContext:
    """Identifiers, metadata, free-form state and trace context of one workflow run.

    Plain ``__slots__`` object: creating one costs a few attribute stores.
    """

    __slots__ = (
        "branches",
        "metadata",
        "parent",
        "route_decisions",
        "session_id",
        "state",
        "trace_context",
        "workflow_id",
    )

    def __init__(
        self,
        workflow_id: str | None = None,
        session_id: str | None = None,
        *,
        metadata: dict[str, Any] | None = None,
        state: dict[str, Any] | None = None,
        trace_context: Any = None,
        parent: WorkflowContext | None = None,
    ) -> None:
        self.workflow_id: str = workflow_id if workflow_id is not None else os.urandom(8).hex()
        self.session_id: str | None = session_id
        self.metadata: dict[str, Any] = {} if metadata is None else metadata
        self.state: dict[str, Any] = {} if state is None else state
        self.trace_context: Any = trace_context
        """Slot for propagated trace context (e.g. a W3C carrier); opaque to primitives."""
        self.parent: WorkflowContext | None = parent
        self.route_decisions: list[RouteDecision] = [] if parent is None else parent.route_decisions
        """The run's routing decisions; shared with every context made by :meth:`child`."""
        self.branches: dict[str, tuple[WorkflowContext, ...]] = {}
        """The branch contexts of the latest run of each ParallelPrimitive (by name) here."""

    def child(self, **metadata: Any) -> WorkflowContext:
        """Return a context for a branch: same ids and trace context, copied metadata and state.

        Keyword arguments are added to the child's metadata. The child's writes to
        ``state`` are its own (``state`` is a shallow copy); routing decisions go to
        the one list shared with the parent, so :attr:`cost_saved` counts them once.
        """
        child = WorkflowContext.__new__(WorkflowContext)  # skip __init__: one per branch run
        child.workflow_id = self.workflow_id
        child.session_id = self.session_id
        child.metadata = {**self.metadata, **metadata} if metadata else self.metadata.copy()
        child.state = self.state.copy()
        child.trace_context = self.trace_context
        child.parent = self
        child.route_decisions = self.route_decisions
        child.branches = {}
        return child

    def record_route(self, router: str, route: str, cost_saved: float) -> None:
        """Record a routing decision on this context."""
        self.route_decisions.append(RouteDecision(router, route, cost_saved))

    @property
    def cost_saved(self) -> float:
        """Estimated cost saved by every routing decision recorded in this run."""
        return sum(decision.cost_saved for decision in self.route_decisions)

    def __repr__(self) -> str:
        return (
            f"WorkflowContext(workflow_id={self.workflow_id!r}, session_id={self.session_id!r}, "
            f"metadata={self.metadata!r}, state={self.state!r})"
        )
