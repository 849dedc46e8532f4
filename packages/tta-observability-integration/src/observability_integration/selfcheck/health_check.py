"""The observability health check that ``python -m observability_integration.selfcheck`` runs.

It initialises observability with ``/metrics`` on a free port, runs the sample
workflow (every primitive type) under one root span started with the standard
``opentelemetry.trace.get_tracer``, then checks that

* OpenTelemetry's process-wide tracer and meter providers are the live pipeline
  (so FastAPI, httpx or logging instrumentation joins the primitives' traces);
* ``/metrics`` answers over HTTP, parses with prometheus_client's text parser and
  has samples for every expected family;
* every span of the run shares the root's trace id, with the parent links of
  :data:`~observability_integration.selfcheck.sample_workflow.EXPECTED_EDGES`;
* every primitive class exported by ``tta_dev_primitives`` produced a span.

Exit codes: 0 every check passed, 1 a check failed (one line per problem),
2 bad usage.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON
from prometheus_client.parser import text_string_to_metric_families
from tta_dev_primitives import WorkflowContext, WorkflowPrimitive

from observability_integration.apm_setup import (
    force_flush,
    initialize_observability,
    is_observability_enabled,
    metrics_url,
    shutdown_observability,
)
from observability_integration.metrics import EXPECTED_FAMILIES
from observability_integration.process_wide import process_wide_problem
from observability_integration.selfcheck.sample_workflow import (
    EXPECTED_EDGES,
    SampleWorkflow,
    build_probe,
    build_sample_workflow,
    discover_primitive_types,
)

__all__ = ["HealthReport", "main", "run_health_check"]

_PROG = "python -m observability_integration.selfcheck"
_SCOPE = "observability_integration.selfcheck"
_METER_FAMILY = "tta_health_check_runs"
_WORKFLOW_ROOT = "health_check.workflow"
_COVERAGE_ROOT = "health_check.coverage"


@dataclass
class HealthReport:
    """What the health check found: one summary line per area, and the problems."""

    url: str | None = None
    summary: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return not self.problems

    def render(self) -> str:
        """The printed report."""
        lines = [f"observability health check: metrics at {self.url or '(not served)'}"]
        lines += [f"  {line}" for line in self.summary]
        lines += [f"FAIL {problem}" for problem in self.problems]
        lines.append("PASS" if self.ok else f"FAILED: {len(self.problems)} problem(s)")
        return "\n".join(lines)


def _describe(span: ReadableSpan | None) -> str:
    if span is None:
        return "no span"
    attributes = span.attributes or {}
    name = attributes.get("primitive.name")
    return f"{span.name} {name!r}" if name is not None else f"span {span.name!r}"


def _primitive_name(span: ReadableSpan) -> str | None:
    value = (span.attributes or {}).get("primitive.name")
    return None if value is None else str(value)


async def _run_workflow(sample: SampleWorkflow) -> None:
    with trace.get_tracer(_SCOPE).start_as_current_span(_WORKFLOW_ROOT):
        await sample.workflow.execute(sample.input_data, sample.context)


async def _run_probes(
    report: HealthReport, known: frozenset[type[WorkflowPrimitive[Any, Any]]]
) -> None:
    """Run every exported primitive type the sample workflow does not contain."""
    context = WorkflowContext("health-check-coverage", "health-check-session")
    with trace.get_tracer(_SCOPE).start_as_current_span(_COVERAGE_ROOT):
        for cls in discover_primitive_types():
            if cls in known:
                continue
            try:
                probe = build_probe(cls)
            except (TypeError, ValueError) as exc:
                report.problems.append(
                    f"coverage: {cls.__name__}: cannot build one to run ({exc}); add it to "
                    "the sample workflow in observability_integration/selfcheck/sample_workflow.py"
                )
                continue
            try:
                await probe.execute(0, context)
            except Exception as exc:
                report.problems.append(
                    f"coverage: {cls.__name__}: probe run raised {type(exc).__name__}: {exc}"
                )


def _check_process_wide(report: HealthReport) -> None:
    problem = process_wide_problem()
    if problem is not None:
        report.problems.append(
            f"process-wide: {problem}; spans and metrics of other OpenTelemetry "
            "instrumentation (FastAPI, httpx, logging) would not reach it"
        )
        return
    report.summary.append(
        "process   the process-wide tracer and meter providers are the live pipeline"
    )


def _check_metrics(report: HealthReport, url: str | None, timeout: float) -> None:
    if url is None:
        report.problems.append("metrics: /metrics is not served (metrics_url() is None)")
        return
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our URL
            body = response.read().decode("utf-8")
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        report.problems.append(f"metrics: /metrics not served: GET {url} failed: {reason}")
        return
    samples: dict[str, int] = defaultdict(int)
    executed_types: set[str] = set()
    try:
        for family in text_string_to_metric_families(body):
            samples[family.name] += len(family.samples)
            if family.name == "tta_primitive_executions":
                executed_types.update(s.labels["primitive_type"] for s in family.samples)
    except ValueError as exc:
        report.problems.append(f"metrics: {url} is not parseable Prometheus text: {exc}")
        return
    expected = (*EXPECTED_FAMILIES, _METER_FAMILY)
    missing = [name for name in expected if not samples.get(name)]
    report.problems += [f"metrics: family {name} has no samples" for name in missing]
    for cls in discover_primitive_types():
        if cls.__name__ not in executed_types:
            report.problems.append(
                f"metrics: no tta_primitive_executions sample for primitive_type={cls.__name__}"
            )
    report.summary.append(f"metrics   {len(expected) - len(missing)}/{len(expected)} families")


def _check_traces(report: HealthReport, spans: Sequence[ReadableSpan]) -> None:
    roots = [span for span in spans if span.name == _WORKFLOW_ROOT]
    if len(roots) != 1:
        report.problems.append(f"traces: expected one {_WORKFLOW_ROOT} root span, got {len(roots)}")
        return
    root = roots[0]
    trace_id = root.context.trace_id
    by_id = {span.context.span_id: span for span in spans}
    run = [span for span in spans if (span.attributes or {}).get("workflow.id") == "health-check"]
    problems: list[str] = []

    strays = [span for span in run if span.context.trace_id != trace_id]
    problems += [
        f"traces: {_describe(span)} left the workflow's trace "
        f"({span.context.trace_id:032x} instead of {trace_id:032x})"
        for span in strays
    ]
    by_name: dict[str, list[ReadableSpan]] = defaultdict(list)
    for span in run:
        name = _primitive_name(span)
        if name is not None:
            by_name[name].append(span)

    workflow_spans = by_name.get("workflow", [])
    if len(workflow_spans) != 1 or _parent_of(workflow_spans[0], by_id) is not root:
        problems.append("traces: the workflow span is not the child of the root span")

    failed_checks: set[str] = set()
    for edge in EXPECTED_EDGES:
        children = by_name.get(edge.child, [])
        if len(children) != edge.spans:
            failed_checks.add(edge.check)
            problems.append(
                f"traces: expected {edge.spans} span(s) of {edge.child!r} in the "
                f"{edge.check} check, got {len(children)}"
            )
        for child in children:
            parent = _parent_of(child, by_id)
            if parent is None or _primitive_name(parent) != edge.parent:
                failed_checks.add(edge.check)
                problems.append(_lost_parent(edge.check, child, edge.parent, parent, trace_id))
    checks = sorted({edge.check for edge in EXPECTED_EDGES})
    passed = len(checks) - len(failed_checks)
    report.problems += problems
    report.summary.append(
        f"traces    {passed}/{len(checks)} checks ({', '.join(checks)}); "
        f"{len(run) - len(strays)}/{len(run)} spans in trace {trace_id:032x}"
    )


def _parent_of(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> ReadableSpan | None:
    return None if span.parent is None else by_id.get(span.parent.span_id)


def _lost_parent(
    check: str, child: ReadableSpan, expected: str, parent: ReadableSpan | None, trace_id: int
) -> str:
    what = "parallel branch" if check == "parallel" else f"{check} child"
    if child.parent is None:
        got = "no parent (it started a new trace)"
    elif parent is None:
        got = "a parent span outside the run"
    else:
        got = _describe(parent)
    if child.parent is not None and child.context.trace_id != trace_id:
        got += ", in another trace"
    return (
        f"traces: {what} {_primitive_name(child)!r} lost its parent span: "
        f"expected {expected!r}, got {got}"
    )


def _check_coverage(report: HealthReport, spans: Sequence[ReadableSpan]) -> None:
    seen = {str((span.attributes or {}).get("primitive.type")) for span in spans}
    discovered = discover_primitive_types()
    missing = [cls.__name__ for cls in discovered if cls.__name__ not in seen]
    report.problems += [
        f"coverage: {name}: no span observed (not instrumented: its execution bypasses the hook)"
        for name in missing
        if not any(problem.startswith(f"coverage: {name}:") for problem in report.problems)
    ]
    covered = len(discovered) - len(missing)
    report.summary.append(f"coverage  {covered}/{len(discovered)} primitives instrumented")


def run_health_check(host: str = "127.0.0.1", port: int = 0, timeout: float = 5.0) -> HealthReport:
    """Initialise observability, exercise every primitive, check, then shut down."""
    report = HealthReport()
    if is_observability_enabled():
        report.problems.append("init: observability is already initialised in this process")
        return report
    exporter = InMemorySpanExporter()
    if not initialize_observability(  # what it checks does not depend on OTEL_* choices
        service_name="tta-health-check",
        enable_prometheus=True,
        prometheus_host=host,
        prometheus_port=port,
        span_exporter=exporter,
        sampler=ALWAYS_ON,
    ):
        report.problems.append(
            f"init: initialize_observability() failed for {host}:{port} (see the log line above)"
        )
        return report
    try:
        report.url = metrics_url()
        _check_process_wide(report)
        counter = metrics.get_meter(_SCOPE).create_counter(
            _METER_FAMILY, description="Health check runs."
        )
        counter.add(1)
        sample = build_sample_workflow()
        try:
            asyncio.run(_run_workflow(sample))
        except Exception as exc:
            report.problems.append(
                f"workflow: the sample workflow raised {type(exc).__name__}: {exc}"
            )
        asyncio.run(_run_probes(report, sample.types))
        force_flush()
        spans = exporter.get_finished_spans()
        _check_metrics(report, report.url, timeout)
        _check_traces(report, spans)
        _check_coverage(report, spans)
    finally:
        shutdown_observability()
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description="Check OpenTelemetry setup, /metrics, trace propagation and "
        "primitive instrumentation coverage.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to serve /metrics on")
    parser.add_argument("--port", type=int, default=0, help="port for /metrics (0: a free one)")
    parser.add_argument(
        "--timeout", type=float, default=5.0, help="seconds to wait for /metrics to answer"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the health check and print its report; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else 2
    if not 0 <= args.port <= 65535:
        print(f"{_PROG}: --port must be in 0..65535, got {args.port}", file=sys.stderr)
        return 2
    if args.timeout <= 0:
        print(f"{_PROG}: --timeout must be > 0, got {args.timeout}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    report = run_health_check(args.host, args.port, args.timeout)
    print(report.render())
    return 0 if report.ok else 1
