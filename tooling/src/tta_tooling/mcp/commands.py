"""The mcp family's commands: ``tta-tooling mcp`` (the server) and ``mcp-check`` (its gate)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tta_tooling.mcp.agent_files import check_agent_files
from tta_tooling.reporting import on_github_actions, render

# The MCP SDK takes seconds to import: only the two commands that use it load it.


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``mcp`` and ``mcp-check`` to the ``tta-tooling`` parser."""
    for name, help_text, handler in (
        ("mcp", "serve the gates over MCP (stdio): list_gates, run_gate, gate_report", _serve),
        ("mcp-check", "validate mcp.json and instruction files, then the live server", _check),
    ):
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
        command.set_defaults(handler=handler)


def _serve(args: argparse.Namespace) -> int:
    from tta_tooling.mcp.server import serve  # noqa: PLC0415 - the SDK, see above

    serve(args.root.resolve())
    return 0


def _check(args: argparse.Namespace) -> int:
    root = args.root.resolve()
    findings = check_agent_files(root)
    print(f"agent files: {len(findings)} problem(s)", file=sys.stderr)
    from tta_tooling.mcp.live_check import check_live_server  # noqa: PLC0415 - the SDK

    live = check_live_server(root)
    print(f"live server: {len(live)} problem(s)", file=sys.stderr)
    findings += live
    if findings:
        print(render(findings, "text", github=on_github_actions()))
    return 1 if findings else 0
