"""The cost gate (``python -m tta_api.gates.cost``): a workload replayed naive and optimized.

The workload (default: the shipped reference, see
:mod:`tta_api.gates.cost.generator`) runs through ``smart-answer`` twice in this
process (:mod:`tta_api.gates.cost.replay`): every request on the premium model
without a cache, then with the service's router and cache over the service's
catalog (``TTA_MODELS_FILE``) and cache time to live (``TTA_CACHE_TTL_SECONDS``).
It prints total cost, cost per request, cache hit ratio and routing mix of
each run, and the savings.

Exit 0 when the savings reach ``--threshold`` (default 0.4), at least
:data:`QUALITY_GUARD` of the requests labelled complex were answered by the
premium model and every request was answered; 1 otherwise; 2 on bad usage,
a bad workload file or a bad configuration (one line on stderr).
``--json FILE`` also writes the figures as JSON (atomically); under GitHub
Actions a markdown table is appended to ``$GITHUB_STEP_SUMMARY``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tta_process_support.atomic import write_text_atomically

from tta_api.catalog import CatalogError, Tier, load_catalog
from tta_api.gates.cost.generator import REFERENCE_WORKLOAD
from tta_api.gates.cost.replay import CostComparison, RunTotals, replay_workload
from tta_api.gates.cost.workload import WorkloadError, load_workload
from tta_api.settings import ConfigError, load_settings

__all__ = ["DEFAULT_THRESHOLD", "QUALITY_GUARD", "failures", "main", "markdown", "table", "to_json"]

DEFAULT_THRESHOLD = 0.4
"""The savings the optimized run must reach (the proposal's 40% cost reduction)."""
QUALITY_GUARD = 0.95
"""Share of complex requests the premium model must answer in the optimized run."""

_PROG = "python -m tta_api.gates.cost"
_TIERS_NOTE = (
    "cheap / balanced / premium: requests answered by each tier "
    "(a cache hit counts for the tier that produced the cached answer)"
)
_COLUMNS = ("run", "total cost", "cost/request", "cache hits", *(tier.value for tier in Tier))


def failures(comparison: CostComparison, threshold: float) -> list[str]:
    """Why the gate fails (empty when it passes)."""
    found: list[str] = []
    if comparison.savings < threshold:
        found.append(f"savings {comparison.savings:.1%} are below the {threshold:.1%} threshold")
    optimized = comparison.optimized
    if optimized.complex_premium_share < QUALITY_GUARD:
        found.append(
            f"quality guard: {optimized.complex_premium_share:.1%} of complex requests "
            f"({optimized.complex_on_premium}/{optimized.complex_requests}) reached the premium "
            f"model, needs {QUALITY_GUARD:.0%}"
        )
    for run in (comparison.naive, comparison.optimized):
        if run.failed:
            found.append(f"{run.name}: {run.failed} request(s) failed (context window exceeded)")
    return found


def _rows(comparison: CostComparison) -> list[list[str]]:
    return [
        [
            run.name,
            f"${run.cost_usd:.6f}",
            f"${run.cost_per_request_usd:.8f}",
            f"{run.cache_hits} ({run.cache_hit_ratio:.1%})",
            *(str(run.tiers[tier.value]) for tier in Tier),
        ]
        for run in (comparison.naive, comparison.optimized)
    ]


def _verdict_lines(comparison: CostComparison, threshold: float) -> list[str]:
    optimized = comparison.optimized
    return [
        f"savings: {comparison.savings:.1%} (threshold {threshold:.1%})",
        f"complex requests answered by the premium model: {optimized.complex_on_premium}/"
        f"{optimized.complex_requests} ({optimized.complex_premium_share:.1%}, "
        f"quality guard {QUALITY_GUARD:.0%})",
    ]


def table(workload: str, comparison: CostComparison, threshold: float) -> str:
    """The plain-text report."""
    rows = [list(_COLUMNS), *_rows(comparison)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_COLUMNS))]
    lines = [
        f"cost replay of {workload} ({comparison.naive.requests} requests)",
        _TIERS_NOTE,
        "",
    ]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines += ["", *_verdict_lines(comparison, threshold)]
    return "\n".join(line.rstrip() for line in lines)


def markdown(workload: str, comparison: CostComparison, threshold: float) -> str:
    """The step-summary report."""
    lines = [f"### Cost replay of `{workload}`", "", _TIERS_NOTE, ""]
    lines.append("| " + " | ".join(_COLUMNS) + " |")
    lines.append("|" + "---|" * len(_COLUMNS))
    lines += ["| " + " | ".join(row) + " |" for row in _rows(comparison)]
    lines += ["", *(f"- {line}" for line in _verdict_lines(comparison, threshold))]
    problems = failures(comparison, threshold)
    lines += ["", "**Result:** " + ("; ".join(problems) if problems else "pass"), ""]
    return "\n".join(lines)


def _run_json(run: RunTotals) -> dict[str, Any]:
    return {
        "requests": run.requests,
        "total_cost_usd": round(run.cost_usd, 10),
        "cost_per_request_usd": round(run.cost_per_request_usd, 10),
        "cache_hits": run.cache_hits,
        "cache_hit_ratio": run.cache_hit_ratio,
        "failed": run.failed,
        "routing": {tier.value: run.tiers[tier.value] for tier in Tier},
        "complex_requests": run.complex_requests,
        "complex_on_premium": run.complex_on_premium,
        "complex_premium_share": run.complex_premium_share,
    }


def to_json(workload: str, comparison: CostComparison, threshold: float) -> dict[str, Any]:
    """The figures as a JSON-serializable document."""
    problems = failures(comparison, threshold)
    return {
        "workload": workload,
        "threshold": threshold,
        "quality_guard": QUALITY_GUARD,
        "savings": comparison.savings,
        "naive": _run_json(comparison.naive),
        "optimized": _run_json(comparison.optimized),
        "passed": not problems,
        "failures": problems,
    }


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text!r}")
    return value


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: {message}\n")


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the cost gate; return the exit status."""
    parser = _OneLineParser(prog=_PROG, description=__doc__.split("\n\n")[0])
    parser.add_argument("--workload", type=Path, default=REFERENCE_WORKLOAD, help="JSONL file")
    parser.add_argument(
        "--threshold",
        type=_threshold,
        default=DEFAULT_THRESHOLD,
        help=f"minimum savings as a fraction ({DEFAULT_THRESHOLD})",
    )
    parser.add_argument("--json", type=Path, dest="json_file", help="also write JSON here")
    args = parser.parse_args(argv)
    workload = _shown(args.workload)
    try:
        settings = load_settings()
        catalog = load_catalog(settings.models_file)
        requests = load_workload(args.workload)
    except (ConfigError, CatalogError, WorkloadError) as error:
        print(f"{_PROG}: {error}", file=sys.stderr)
        return 2
    comparison = asyncio.run(
        replay_workload(requests, catalog, cache_ttl_seconds=settings.cache_ttl_seconds)
    )
    print(table(workload, comparison, args.threshold))
    problems = failures(comparison, args.threshold)
    for problem in problems:
        print(f"cost: FAIL: {problem}", file=sys.stderr)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    try:
        if args.json_file is not None:
            document = json.dumps(to_json(workload, comparison, args.threshold), indent=2) + "\n"
            write_text_atomically(args.json_file, document)
        if summary:
            with Path(summary).open("a", encoding="utf-8") as handle:
                handle.write(markdown(workload, comparison, args.threshold))
    except OSError as error:
        print(f"{_PROG}: {error.filename}: cannot write: {error.strerror}", file=sys.stderr)
        return 2
    return 1 if problems else 0
