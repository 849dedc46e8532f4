"""The perf family's commands: perf-regression, perf-baseline, perf-error-rates and
benchmark-summary."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from tta_process_support.atomic import check_writable

from tta_tooling.child_lifetime import dies_with_parent, signals_interrupt
from tta_tooling.errors import InputError
from tta_tooling.perf import benchmark_summary
from tta_tooling.perf.baseline_file import BASELINE_PATH, baseline_document, recorded_commit
from tta_tooling.perf.baseline_ref import resolve_baseline
from tta_tooling.perf.error_rates import Plant, collect_pool, error_rates
from tta_tooling.perf.gate import Settings, run_gate
from tta_tooling.perf.results import (
    render_markdown,
    render_text,
    result_document,
    write_json_atomically,
)
from tta_tooling.perf.statistics import minimum_pairs
from tta_tooling.perf.suite import SuiteError, run_suite
from tta_tooling.reporting import append_step_summary

DEFAULT_ROUNDS = 20
INTERRUPTED = 130
DEFAULT_PLANT = Plant(
    file="packages/tta-dev-primitives/src/tta_dev_primitives/composition/parallel.py",
    qualname="ParallelPrimitive._execute",
    fraction=0.20,
    benchmark="test_benchmark[parallel]",
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this family's subcommands to the ``tta-tooling`` parser."""
    regression = _add(
        commands, "perf-regression", "same-run A/B of the benchmarks against a baseline commit"
    )
    regression.add_argument("--against", help="baseline ref (default: merge-base with main)")
    regression.add_argument(
        "--output", type=Path, required=True, help="where the JSON result is written"
    )
    _decision_arguments(regression)
    regression.set_defaults(handler=_regression)

    baseline = _add(commands, "perf-baseline", "measure HEAD and rewrite baseline.json")
    baseline.add_argument("--runs", type=int, default=5, help="suite runs averaged (default 5)")
    baseline.add_argument("--output", type=Path, default=None, help=f"default {BASELINE_PATH}")
    baseline.set_defaults(handler=_baseline)

    rates = _add(commands, "perf-error-rates", "measure the gate's false-positive rate and power")
    rates.add_argument("--pool-rounds", type=int, default=60, help="recorded rounds (default 60)")
    rates.add_argument("--aa-runs", type=int, default=200, help="A/A gate runs simulated")
    rates.add_argument("--power-runs", type=int, default=100, help="planted gate runs simulated")
    rates.add_argument("--seed", type=int, default=1, help="seed of the draws")
    rates.add_argument("--output", type=Path, default=None, help="JSON summary written here")
    _decision_arguments(rates)
    rates.set_defaults(handler=_error_rates)

    summary = commands.add_parser(
        "benchmark-summary",
        help="tabulate a pytest-benchmark JSON file (console and step summary)",
        description="tabulate a pytest-benchmark JSON file (console and step summary)",
    )
    summary.add_argument("results", type=Path, help="the --benchmark-json file")
    summary.set_defaults(handler=_benchmark_summary)


def _add(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_text, description=help_text)
    command.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    command.add_argument(
        "paths", nargs="*", default=["tests/performance"], help="benchmark suites to run"
    )
    return command


def _decision_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--threshold", type=float, default=0.10, help="slowdown that fails (default 0.10)"
    )
    command.add_argument(
        "--confidence", type=float, default=0.95, help="two-sided interval level (default 0.95)"
    )
    command.add_argument(
        "--rounds",
        type=int,
        default=DEFAULT_ROUNDS,
        help=f"most rounds; it stops once every verdict is conclusive (default {DEFAULT_ROUNDS})",
    )


def _settings(args: argparse.Namespace) -> Settings:
    if not 0 < args.threshold < 10:
        raise InputError("--threshold", f"must be in (0, 10), got {args.threshold}")
    if not 0.5 <= args.confidence < 1:
        raise InputError("--confidence", f"must be in [0.5, 1), got {args.confidence}")
    fewest = minimum_pairs(args.confidence)
    if not fewest <= args.rounds <= 1000:
        raise InputError("--rounds", f"must be in [{fewest}, 1000], got {args.rounds}")
    return Settings(args.rounds, args.threshold, args.confidence, tuple(args.paths))


def _regression(args: argparse.Namespace) -> int:
    settings = _settings(args)
    check_writable(args.output)  # before the rounds, not after them
    root = args.root.resolve()
    baseline = resolve_baseline(root, args.against, recorded_commit(root / BASELINE_PATH))
    try:
        with signals_interrupt():
            run = run_gate(root, baseline, settings)
    except SuiteError as error:
        print(f"perf-regression: the benchmark suite failed\n{error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("perf-regression: interrupted; baseline worktree removed", file=sys.stderr)
        return INTERRUPTED
    regressions = [r for r in run.results if r.regressed]
    heading = (
        f"perf-regression against {baseline.commit[:12]} ({baseline.source}): "
        f"{len(regressions)} regression(s) over {settings.threshold:.0%}"
    )
    print(render_text(run.results))
    append_step_summary(render_markdown(run.results, heading))
    write_json_atomically(
        args.output,
        {
            "baseline": {"commit": baseline.commit, "source": baseline.source},
            "threshold": settings.threshold,
            "confidence": settings.confidence,
            "rounds": run.rounds,
            "max_rounds": settings.rounds,
            "seconds": round(run.seconds, 1),
            "passed": not regressions,
            "benchmarks": result_document(run.results),
        },
    )
    for r in regressions:
        assert r.comparison is not None
        print(
            f"REGRESSION {r.name}: {r.comparison.ratio:.3f}x the baseline, "
            f"{settings.confidence:.0%} interval [{r.comparison.low:.3f}, {r.comparison.high:.3f}] "
            f"is entirely above {1 + settings.threshold:.2f}x",
            file=sys.stderr,
        )
    print(f"{heading} ({run.rounds} rounds, {run.seconds:.0f} s)", file=sys.stderr)
    return 1 if regressions else 0


def _benchmark_summary(args: argparse.Namespace) -> int:
    print(benchmark_summary.summarize(args.results))
    return 0


def _head(root: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=dies_with_parent(),
    )
    if done.returncode != 0:
        raise InputError(root, "not a git repository")
    if done.stdout.strip():
        raise InputError(root, "uncommitted changes: the numbers would not belong to HEAD")
    return resolve_baseline(root, "HEAD", None).commit


def _baseline(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    if not 1 <= args.runs <= 100:
        raise InputError("--runs", f"must be in [1, 100], got {args.runs}")
    output = args.output or root / BASELINE_PATH
    check_writable(output)  # before the runs, not after them
    commit = _head(root)
    try:
        runs = [run_suite(Path(sys.executable), root, args.paths) for _ in range(args.runs)]
    except SuiteError as error:
        print(f"perf-baseline: the benchmark suite failed\n{error}", file=sys.stderr)
        return 1
    python = ".".join(map(str, sys.version_info[:3]))
    write_json_atomically(output, baseline_document(commit, runs, python))
    print(f"perf-baseline: {output} rewritten for {commit[:12]}", file=sys.stderr)
    return 0


def _error_rates(args: argparse.Namespace) -> int:
    settings = _settings(args)
    root = args.root.resolve()
    if args.pool_rounds < settings.rounds:
        raise InputError("--pool-rounds", f"must be at least --rounds ({settings.rounds})")
    if args.output is not None:
        check_writable(args.output)  # before the pool is measured, not after
    commit = _head(root)
    try:
        with signals_interrupt():
            pool = collect_pool(
                root,
                commit,
                DEFAULT_PLANT,
                rounds=args.pool_rounds,
                paths=settings.paths,
                log=lambda line: print(line, file=sys.stderr),
            )
    except KeyboardInterrupt:
        print("perf-error-rates: interrupted; worktrees removed", file=sys.stderr)
        return INTERRUPTED
    except SuiteError as error:
        print(f"perf-error-rates: the benchmark suite failed\n{error}", file=sys.stderr)
        return 1
    rates = error_rates(
        pool,
        DEFAULT_PLANT,
        rounds=settings.rounds,
        aa_runs=args.aa_runs,
        power_runs=args.power_runs,
        threshold=settings.threshold,
        confidence=settings.confidence,
        seed=args.seed,
    )
    summary: dict[str, Any] = {
        "rounds_per_gate_run": settings.rounds,
        "threshold": settings.threshold,
        "confidence": settings.confidence,
        "plant": f"{DEFAULT_PLANT.qualname} {DEFAULT_PLANT.fraction:.0%} slower",
        **rates.as_dict(),
    }
    if args.output is not None:
        write_json_atomically(args.output, summary)
    print(
        f"false positives: {rates.false_positives}/{rates.aa_runs} A/A gate runs "
        f"({rates.false_positives / rates.aa_runs:.1%}); planted slowdown "
        f"(realized {rates.realized_slowdown:.3f}x) caught in {rates.detections}/"
        f"{rates.power_runs} ({rates.detections / rates.power_runs:.1%}); "
        f"pool of {rates.pool_rounds} rounds, {settings.rounds} rounds per gate run"
    )
    for name, cv in sorted(rates.cv.items()):
        print(f"cv {cv:.1%} {name}")
    return 0
