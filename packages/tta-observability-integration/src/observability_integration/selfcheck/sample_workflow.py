"""The workflow the health check runs, the trace structure it must produce, and probes.

:func:`build_sample_workflow` composes one instance of every primitive type
``tta_dev_primitives`` ships, with distinct names, so the spans it produces can
be checked against :data:`EXPECTED_EDGES` (which span must be whose parent).
:func:`discover_primitive_types` lists the primitive classes the package
exports; :func:`build_probe` builds a runnable instance of any of them, so a
newly exported primitive is exercised (and must be instrumented) without
editing this module.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import tta_dev_primitives
from tta_dev_primitives import (
    CachePrimitive,
    ConditionalPrimitive,
    FallbackPrimitive,
    LambdaPrimitive,
    MockPrimitive,
    ParallelPrimitive,
    RetryPrimitive,
    RouterPrimitive,
    SequentialPrimitive,
    TimeoutPrimitive,
    WorkflowContext,
    WorkflowPrimitive,
)

__all__ = [
    "EXPECTED_EDGES",
    "Edge",
    "SampleWorkflow",
    "build_probe",
    "build_sample_workflow",
    "discover_primitive_types",
]

WORKFLOW_NAME = "workflow"
PARALLEL_NAME = "fanout"
BRANCH_NAMES = ("branch-a", "branch-b", "branch-c")


class Edge(NamedTuple):
    """``spans`` spans of primitive ``child`` must each have a span of ``parent`` as parent."""

    check: str
    child: str
    parent: str
    spans: int


EXPECTED_EDGES: tuple[Edge, ...] = (
    Edge("sequential", "cache", WORKFLOW_NAME, 3),
    Edge("sequential", "rewind", WORKFLOW_NAME, 1),
    Edge("sequential", "retry", WORKFLOW_NAME, 1),
    Edge("sequential", PARALLEL_NAME, WORKFLOW_NAME, 1),
    Edge("sequential", "router", WORKFLOW_NAME, 1),
    Edge("sequential", "conditional", WORKFLOW_NAME, 1),
    Edge("sequential", "fallback", WORKFLOW_NAME, 1),
    Edge("sequential", "timeout", WORKFLOW_NAME, 1),
    Edge("cache", "cached-step", "cache", 2),
    Edge("retry", "flaky-step", "retry", 2),
    *(Edge("parallel", branch, PARALLEL_NAME, 1) for branch in BRANCH_NAMES),
    Edge("router", "fast-route", "router", 1),
    Edge("conditional", "then-step", "conditional", 1),
    Edge("fallback", "primary-step", "fallback", 1),
    Edge("fallback", "fallback-step", "fallback", 1),
    Edge("timeout", "slow-step", "timeout", 1),
    Edge("timeout", "timeout-fallback-step", "timeout", 1),
)
"""The parent links the sample workflow must produce, grouped by check."""


@dataclass(frozen=True)
class SampleWorkflow:
    """The composed workflow, its input, its context and the primitive types it uses."""

    workflow: WorkflowPrimitive[Any, Any]
    input_data: Any
    context: WorkflowContext
    types: frozenset[type[WorkflowPrimitive[Any, Any]]]


async def _never_in_time(data: Any) -> Any:
    await asyncio.sleep(10)
    return data


def _step(name: str, fn: Callable[[Any], Any] = lambda data: data) -> LambdaPrimitive[Any, Any]:
    return LambdaPrimitive(fn, name=name)


def build_sample_workflow() -> SampleWorkflow:
    """A sequential workflow touching every primitive type (see :data:`EXPECTED_EDGES`).

    The cache holds one entry, so its three runs are a miss, a hit and a miss
    that evicts; the retried step fails once; the fallback's primary fails; the
    timeout's step outlives its 10 ms budget.
    """
    cache = CachePrimitive(
        _step("cached-step", lambda data: data + 1),
        key_fn=lambda data, context: str(data),
        max_entries=1,
        name="cache",
    )
    retry = RetryPrimitive(
        MockPrimitive(side_effect=[ConnectionError("transient"), 3], name="flaky-step"),
        max_attempts=3,
        base_delay=0,
        name="retry",
    )
    parallel = ParallelPrimitive([_step(name) for name in BRANCH_NAMES], name=PARALLEL_NAME)
    router = RouterPrimitive(
        {"fast": _step("fast-route"), "quality": _step("quality-route")},
        lambda data, context: "fast",
        cost_per_route={"fast": 0.001, "quality": 0.01},
        name="router",
    )
    conditional = ConditionalPrimitive(
        lambda data, context: True,
        _step("then-step"),
        _step("else-step"),
        name="conditional",
    )
    fallback = FallbackPrimitive(
        MockPrimitive(side_effect=RuntimeError("primary unavailable"), name="primary-step"),
        _step("fallback-step"),
        name="fallback",
    )
    timeout = TimeoutPrimitive(
        _step("slow-step", _never_in_time),
        0.01,
        fallback=_step("timeout-fallback-step"),
        name="timeout",
    )
    after_cache: list[WorkflowPrimitive[Any, Any]] = [
        retry,
        parallel,
        router,
        conditional,
        fallback,
        timeout,
    ]
    steps: list[WorkflowPrimitive[Any, Any]] = [
        cache,  # 1 -> miss, 2
        _step("rewind", lambda data: 1),
        cache,  # 1 -> hit, 2
        cache,  # 2 -> miss (evicts "1"), 3
        *after_cache,
    ]
    workflow: WorkflowPrimitive[Any, Any] = SequentialPrimitive(steps, name=WORKFLOW_NAME)
    composed: list[WorkflowPrimitive[Any, Any]] = [workflow, cache, *after_cache]
    types: frozenset[type[WorkflowPrimitive[Any, Any]]] = frozenset(
        [*(type(primitive) for primitive in composed), LambdaPrimitive, MockPrimitive]
    )
    context = WorkflowContext("health-check", "health-check-session")
    return SampleWorkflow(workflow, 1, context, types)


def discover_primitive_types() -> list[type[WorkflowPrimitive[Any, Any]]]:
    """Every concrete :class:`WorkflowPrimitive` subclass in ``tta_dev_primitives.__all__``."""
    found: list[type[WorkflowPrimitive[Any, Any]]] = []
    for export in tta_dev_primitives.__all__:
        candidate = getattr(tta_dev_primitives, export, None)
        if (
            inspect.isclass(candidate)
            and issubclass(candidate, WorkflowPrimitive)
            and not inspect.isabstract(candidate)
            and candidate not in found
        ):
            found.append(candidate)
    return found


def _leaf(name: str) -> LambdaPrimitive[Any, Any]:
    return _step(name)


_PROBE_FACTORIES: dict[type[Any], Callable[[type[Any], str], WorkflowPrimitive[Any, Any]]] = {
    LambdaPrimitive: lambda cls, name: cls(lambda data: data, name=name),
    MockPrimitive: lambda cls, name: cls(return_value=0, name=name),
    SequentialPrimitive: lambda cls, name: cls([_leaf(f"{name}-step")], name=name),
    ParallelPrimitive: lambda cls, name: cls([_leaf(f"{name}-branch")], name=name),
    ConditionalPrimitive: lambda cls, name: cls(
        lambda data, context: True, _leaf(f"{name}-then"), name=name
    ),
    RouterPrimitive: lambda cls, name: cls(
        {"only": _leaf(f"{name}-route")}, lambda data, context: "only", name=name
    ),
    RetryPrimitive: lambda cls, name: cls(_leaf(f"{name}-inner"), name=name),
    FallbackPrimitive: lambda cls, name: cls(
        _leaf(f"{name}-primary"), _leaf(f"{name}-fallback"), name=name
    ),
    TimeoutPrimitive: lambda cls, name: cls(_leaf(f"{name}-inner"), 5.0, name=name),
    CachePrimitive: lambda cls, name: cls(_leaf(f"{name}-inner"), name=name),
}


def build_probe(cls: type[WorkflowPrimitive[Any, Any]]) -> WorkflowPrimitive[Any, Any]:
    """A runnable instance of ``cls``, built like its nearest known base class.

    A direct :class:`WorkflowPrimitive` subclass is built with ``cls(name=...)``.
    Raises :class:`TypeError` or :class:`ValueError` when that is not enough.
    """
    name = f"probe-{cls.__name__}"
    for base in cls.__mro__:
        factory = _PROBE_FACTORIES.get(base)
        if factory is not None:
            return factory(cls, name)
    return cls(name=name)
