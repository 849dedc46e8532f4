"""``tta-tooling``: the command line of the checkers the gates run.

Exit codes: 0 pass, 1 the gate found a problem, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from tta_tooling.ci_config import check_ci_config
from tta_tooling.coverage_gate import measure, render_table
from tta_tooling.errors import InputError
from tta_tooling.findings import Finding, render
from tta_tooling.gate_drift import check_gates
from tta_tooling.nox_sessions import load_catalog


def main(argv: Sequence[str] | None = None) -> int:
    """Run one checker; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _check_gates(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    return _report(check_gates(root, load_catalog(root / "noxfile.py")), args, "gate drift")


def _ci_config(args: argparse.Namespace) -> int:
    return _report(check_ci_config(args.root.resolve()), args, "CI configuration")


def _coverage_gate(args: argparse.Namespace) -> int:
    results = measure(args.root.resolve(), args.coverage_json)
    print(render_table(results))
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(
            f"FAIL {r.package.name}: {r.percent:.1f}% is below the {r.package.stage} "
            f"threshold of {r.package.threshold:.0f}%",
            file=sys.stderr,
        )
    return 1 if failed else 0


def _report(findings: list[Finding], args: argparse.Namespace, subject: str) -> int:
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    if findings or args.format == "json":
        print(render(findings, args.format, github=github))
    if args.format == "text":
        verdict = f"{len(findings)} problem(s)" if findings else "no problems"
        print(f"{subject}: {verdict}", file=sys.stderr)
    return 1 if findings else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tta-tooling", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="command")

    def add(name: str, help_text: str, handler: object) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
        command.set_defaults(handler=handler)
        return command

    for name, help_text, handler in (
        ("check-gates", "workflows and VS Code tasks only run existing nox sessions", _check_gates),
        ("ci-config", "check-gates plus schema validation and zizmor on CI files", _ci_config),
    ):
        add(name, help_text, handler).add_argument(
            "--format", choices=("text", "json"), default="text", help="output format"
        )
    add(
        "coverage-gate", "each package meets its stage's coverage threshold", _coverage_gate
    ).add_argument("--coverage-json", type=Path, required=True, help="a `coverage json` report")
    return parser


if __name__ == "__main__":
    sys.exit(main())
