"""The efficiency family's command: ``tta-tooling efficiency``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tta_tooling.efficiency.config import load_config
from tta_tooling.efficiency.registry import RULES, Violation
from tta_tooling.efficiency.runner import ScanResult, scan
from tta_tooling.efficiency.sarif import sarif_log, write_sarif
from tta_tooling.errors import InputError
from tta_tooling.reporting import (
    Finding,
    append_step_summary,
    markdown_table,
    on_github_actions,
)

__all__ = ["register"]

_HELP = (
    "static LLM- and context-efficiency rules (EFF001-EFF006; EFF900 a file that cannot be "
    "read or parsed) over the configured packages"
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``efficiency`` to the ``tta-tooling`` parser."""
    command = commands.add_parser("efficiency", help=_HELP, description=_HELP)
    command.add_argument(
        "paths", nargs="*", help="files or folders (default: [tool.tta.efficiency] paths)"
    )
    command.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    command.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="output format"
    )
    command.add_argument(
        "--sarif", type=Path, metavar="FILE", help="also write a SARIF 2.1.0 log to FILE"
    )
    command.add_argument(
        "--stats",
        action="store_true",
        help="also print files scanned, skipped by the pre-filter, unparsable, findings per rule",
    )
    command.set_defaults(handler=_efficiency)


def _efficiency(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    try:
        result = scan(root, load_config(root), args.paths)
    except InputError:
        if args.sarif is not None:  # no verdict: leave no earlier run's log to be uploaded
            args.sarif.unlink(missing_ok=True)
        raise
    violations = result.violations
    if args.sarif is not None:
        write_sarif(args.sarif, sarif_log(violations))
    if args.format == "sarif":
        print(json.dumps(sarif_log(violations), indent=2))
    elif args.format == "json":
        print(json.dumps([_as_json(v) for v in violations], indent=2))
    elif violations:
        github = on_github_actions()
        for v in violations:
            print(_as_finding(v).as_github_annotation() if github else v.as_text())
    if violations and on_github_actions():
        rows = [(f"{v.file}:{v.line}:{v.column}", v.code, v.message) for v in violations]
        append_step_summary(
            "### LLM efficiency\n\n" + markdown_table(("where", "rule", "message"), rows)
        )
    verdict = f"{len(violations)} violation(s)" if violations else "no violations"
    print(f"efficiency: {verdict} in {result.files} file(s)", file=sys.stderr)
    if args.stats:
        print(_stats(result), file=sys.stderr)
    return 1 if violations else 0


def _stats(result: ScanResult) -> str:
    """``--stats``: one line per count, on stderr (stdout stays the report)."""
    lines = [
        f"files scanned: {result.files}",
        f"skipped by the pre-filter: {result.skipped}",
        f"unparsable or unreadable: {result.unanalysable}",
    ]
    lines += [f"{code} {RULES[code].name}: {result.per_rule.get(code, 0)}" for code in RULES]
    return "\n".join(lines)


def _as_finding(violation: Violation) -> Finding:
    return Finding(
        violation.file,
        f"{violation.code} {violation.message}",
        violation.line,
    )


def _as_json(violation: Violation) -> dict[str, object]:
    return {
        "code": violation.code,
        "rule": RULES[violation.code].name,
        "file": violation.file,
        "line": violation.line,
        "column": violation.column,
        "message": violation.message,
    }
