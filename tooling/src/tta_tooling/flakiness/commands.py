"""The flakiness family's command: ``tta-tooling flakiness``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tta_process_support.atomic import check_writable

from tta_tooling.flakiness.analysis import summarize
from tta_tooling.flakiness.report import as_markdown, write_json
from tta_tooling.flakiness.runner import new_seed, run_once
from tta_tooling.reporting import append_step_summary

__all__ = ["register"]

_HELP = "run pytest N times in random order; fail when any test changes outcome between runs"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``flakiness`` to the ``tta-tooling`` parser."""
    command = commands.add_parser("flakiness", help=_HELP, description=_HELP)
    command.add_argument("--runs", type=_at_least_two, default=5, help="runs (default 5)")
    command.add_argument("--json", type=Path, metavar="FILE", help="write the result to FILE")
    command.add_argument(
        "pytest_args", nargs=argparse.REMAINDER, help="test paths and pytest options"
    )
    command.set_defaults(handler=_flakiness)


def _at_least_two(text: str) -> int:
    try:
        runs = int(text)
    except ValueError:
        runs = 0
    if runs < 2:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 2, got {text!r}")
    return runs


def _flakiness(args: argparse.Namespace) -> int:
    if args.json is not None:
        check_writable(args.json)  # before the runs, not after them
    runs = []
    for index in range(args.runs):
        seed = new_seed()
        print(f"flakiness: run {index + 1}/{args.runs}, --randomly-seed={seed}", file=sys.stderr)
        runs.append(run_once(args.pytest_args, seed))
    summary = summarize(runs)
    if args.json is not None:
        write_json(args.json, summary)
    markdown = as_markdown(summary)
    print(markdown)
    append_step_summary(markdown)
    for test in summary.flaky:
        print(f"flaky: {test.name} ({' '.join(test.outcomes)})")
    for test in summary.always_failing:
        print(f"failing in every run: {test.name}")
    return 1 if summary.flaky or summary.always_failing else 0
