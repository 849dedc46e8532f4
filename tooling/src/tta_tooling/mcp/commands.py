"""The mcp family's commands: ``tta-tooling mcp`` (the server) and ``mcp-check`` (its gate)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tta_tooling.mcp.timing import KILL_GRACE_SECONDS, PROGRESS_SECONDS
from tta_tooling.reporting import on_github_actions, render
from tta_tooling.stop_guard import EXIT_AFTER_SIGINT, exit_after_sigint, guard, release

# The MCP SDK takes seconds to import: only the two commands that use it load it. The agent
# files' checks (jsonschema, JSON5, YAML) are mcp-check's alone.


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``mcp`` and ``mcp-check`` to the ``tta-tooling`` parser."""
    for name, help_text, handler in (
        ("mcp", "serve the gates over MCP (stdio): list_gates, run_gate, gate_report", _serve),
        ("mcp-check", "validate mcp.json and instruction files, then the live server", _check),
    ):
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
        command.set_defaults(handler=handler)
        if name == "mcp":
            command.set_defaults(keeps_startup_guard=True)
            _add_server_options(command)


def _add_server_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--progress-seconds",
        type=_positive,
        default=PROGRESS_SECONDS,
        help=f"seconds between progress notifications of a running gate ({PROGRESS_SECONDS:g})",
    )
    command.add_argument(
        "--kill-grace-seconds",
        type=_positive,
        default=KILL_GRACE_SECONDS,
        help=f"seconds a stopped gate gets between SIGTERM and SIGKILL ({KILL_GRACE_SECONDS:g})",
    )


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds in (0, 3600]")
    return value


def _serve(args: argparse.Namespace) -> int:
    # Until the server listens for signals (the SDK import takes seconds), SIGTERM exits 0
    # and Ctrl-C 130, at once and quietly (tta_tooling.stop_guard): no gate runs yet.
    guard()
    try:
        from tta_tooling.mcp.server import serve  # noqa: PLC0415 - the SDK, see above
        from tta_tooling.mcp.tools import ServerSettings  # noqa: PLC0415

        settings = ServerSettings(args.progress_seconds, args.kill_grace_seconds)
        status = serve(args.root.resolve(), settings)
    except KeyboardInterrupt:
        status = EXIT_AFTER_SIGINT
    release()
    if status == EXIT_AFTER_SIGINT:
        exit_after_sigint()  # every gate is gone by now
    return status


def _check(args: argparse.Namespace) -> int:
    from tta_tooling.mcp.agent_files import check_agent_files  # noqa: PLC0415

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
