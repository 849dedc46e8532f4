"""The gates family's commands: check-gates, ci-config, coverage-gate, ci-time."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.gates import ci_time
from tta_tooling.gates.coverage_data import check_runs, combine_and_report, on_ci
from tta_tooling.gates.coverage_gate import markdown_summary, measure, render_table
from tta_tooling.gates.nox_sessions import load_catalog
from tta_tooling.reporting import Finding, append_step_summary, on_github_actions, render

# The checks of check-gates and ci-config (YAML, shell and JSON5 parsers; jsonschema and
# click for ci-config) are imported by their own handlers: no other command needs them.


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this family's subcommands to the ``tta-tooling`` parser."""
    for name, help_text, handler in (
        ("check-gates", "workflows and VS Code tasks only run existing nox sessions", _check_gates),
        ("ci-config", "check-gates plus schema validation and zizmor on CI files", _ci_config),
    ):
        command = _add(commands, name, help_text, handler)
        command.add_argument(
            "--format", choices=("text", "json"), default="text", help="output format"
        )
    _register_coverage_gate(commands)
    _register_ci_time(commands)


def _register_coverage_gate(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = _add(
        commands, "coverage-gate", "each package meets its stage's coverage threshold", _coverage
    )
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--data-dir",
        type=Path,
        help="combine the `.coverage.<run>.*` files of the --expect runs here (kept), write "
        "coverage.json and coverage.xml beside them, and gate the result",
    )
    source.add_argument(
        "--coverage-json", type=Path, help="gate an existing `coverage json` report"
    )
    command.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="RUN",
        help="a run (nox session) whose data --data-dir holds (repeatable, at least one); "
        "on CI each run's data must be there, elsewhere at least one run's",
    )


def _register_ci_time(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    help_text = "wall time of each nox session (from `nox --report` files) against a budget"
    command = commands.add_parser("ci-time", help=help_text, description=help_text)
    command.add_argument("reports", nargs="*", type=Path, help="files written by `nox --report`")
    command.add_argument(
        "--step",
        action="append",
        default=[],
        metavar="NAME=SECONDS",
        help="a step timed outside nox's reports (repeatable)",
    )
    command.add_argument("--total-seconds", metavar="S", help="measured wall time of the whole run")
    command.add_argument(
        "--budget-minutes", metavar="M", help="exit 1 when the wall time exceeds M minutes"
    )
    command.add_argument(
        "--objective-minutes",
        metavar="M",
        help="report whether the wall time met M minutes (never changes the exit code)",
    )
    command.set_defaults(handler=_ci_time)


def _add(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    handler: object,
) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_text, description=help_text)
    command.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    command.set_defaults(handler=handler)
    return command


def _check_gates(args: argparse.Namespace) -> int:
    from tta_tooling.gates.gate_drift import check_gates  # noqa: PLC0415

    root = args.root.resolve()
    return _report(check_gates(root, load_catalog(root / "noxfile.py")), args, "gate drift")


def _ci_config(args: argparse.Namespace) -> int:
    from tta_tooling.gates.ci_config import check_ci_config  # noqa: PLC0415

    return _report(check_ci_config(args.root.resolve()), args, "CI configuration")


def _coverage(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    report = args.coverage_json
    if args.data_dir is not None:
        if not args.expect:
            raise InputError("--expect", "name the runs to combine (at least one)")
        check_runs(args.data_dir, args.expect, strict=on_ci())
        report = combine_and_report(root, args.data_dir, args.expect)
    elif args.expect:
        raise InputError("--expect", "only with --data-dir (the runs whose data it holds)")
    results = measure(root, report)
    print(render_table(results))
    append_step_summary(markdown_summary(results))
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(
            f"FAIL {r.package.name}: {r.percent:.1f}% is below the {r.package.stage} "
            f"threshold of {r.package.threshold:.0f}%",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _ci_time(args: argparse.Namespace) -> int:
    run = ci_time.measure_run(
        args.reports, args.step, args.total_seconds, args.budget_minutes, args.objective_minutes
    )
    print(ci_time.render_table(run))
    append_step_summary(ci_time.markdown_summary(run))
    return 1 if run.over_budget else 0


def _report(findings: list[Finding], args: argparse.Namespace, subject: str) -> int:
    if findings or args.format == "json":
        print(render(findings, args.format, github=on_github_actions()))
    if args.format == "text":
        verdict = f"{len(findings)} problem(s)" if findings else "no problems"
        print(f"{subject}: {verdict}", file=sys.stderr)
    return 1 if findings else 0
