"""The secrets family's command: ``tta-tooling secrets``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from tta_tooling.reporting import (
    Finding,
    append_step_summary,
    markdown_table,
    on_github_actions,
    render,
)
from tta_tooling.secrets.config import load_config

if TYPE_CHECKING:
    from tta_tooling.secrets.detection import Detection

__all__ = ["register"]

_HELP = "no secret in tracked files or in the artifacts the gates write (detect-secrets)"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``secrets`` to the ``tta-tooling`` parser."""
    command = commands.add_parser("secrets", help=_HELP, description=_HELP)
    command.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    command.add_argument("--format", choices=("text", "json"), default="text")
    command.set_defaults(handler=_secrets)


def _secrets(args: argparse.Namespace) -> int:
    from tta_tooling.secrets.scanner import scan  # noqa: PLC0415 - detect-secrets

    root = args.root.resolve()
    result = scan(root, load_config(root))
    findings = [_as_finding(d) for d in result.detections]
    if args.format == "json":
        print(json.dumps([_as_json(d) for d in result.detections], indent=2))
    elif findings:
        print(render(findings, "text", github=on_github_actions()))
    if findings and on_github_actions():
        rows = [(f"{d.file}:{d.line}", d.detector) for d in result.detections]
        append_step_summary("### Secrets\n\n" + markdown_table(("where", "detector"), rows))
    count = len(findings)
    verdict = f"{count} suspected secret(s)" if count else "no secrets"
    print(f"secrets: {verdict} in {result.files} file(s)", file=sys.stderr)
    return 1 if findings else 0


def _as_finding(detection: Detection) -> Finding:
    detail = f": {detection.detail}" if detection.detail else ""
    return Finding(detection.file, f"{detection.detector}{detail}", detection.line)


def _as_json(detection: Detection) -> dict[str, object]:
    return {
        "file": detection.file,
        "line": detection.line,
        "detector": detection.detector,
        "hashed_secret": detection.hashed_secret,
    }
