"""The paf family's command: ``tta-tooling paf``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tta_tooling.paf.facts import parse_facts
from tta_tooling.reporting import (
    Finding,
    append_step_summary,
    markdown_table,
    on_github_actions,
    render,
)

if TYPE_CHECKING:
    from tta_tooling.paf.checks import FactResult

PAFCORE = "PAFCORE.md"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``paf`` to the ``tta-tooling`` parser."""
    help_text = "check every permanent architectural fact of PAFCORE.md"
    command = commands.add_parser("paf", help=help_text, description=help_text)
    command.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    command.set_defaults(handler=_paf)


def _paf(args: argparse.Namespace) -> int:
    from tta_tooling.paf.checks import check_facts  # noqa: PLC0415 - import-linter

    root = args.root.resolve()
    pafcore = root / PAFCORE
    results = check_facts(root, parse_facts(pafcore), pafcore, args.tooling)
    for result in results:
        note = f"  ({result.note})" if result.note else ""
        print(f"{result.fact.id:<10} {result.fact.check:<38} {result.status}{note}")
    findings = [
        Finding(f.file, f"{f.message} (fact: {r.fact.statement})", f.line, where=r.fact.id)
        for r in results
        for f in r.findings
    ]
    if findings:
        print(render(findings, "text", github=on_github_actions()))
    print(_summary(results), file=sys.stderr)
    append_step_summary(
        markdown_table(
            ("fact", "check", "result"),
            [(r.fact.id, r.fact.check, r.status) for r in results],
        )
    )
    return 1 if findings else 0


def _summary(results: list[FactResult]) -> str:
    manual = sum(r.fact.manual for r in results)
    violated = sorted({r.fact.id for r in results if r.findings})
    verdict = f"violated: {', '.join(violated)}" if violated else "all hold"
    return f"{len(results)} facts: {len(results) - manual} checked, {manual} manual; {verdict}"
