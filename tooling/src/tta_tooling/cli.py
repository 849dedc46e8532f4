"""``tta-tooling``: the command line of the checkers the gates run.

Argument parsing and dispatch only; each gate family registers its own
subcommands. Exit codes: 0 pass, 1 the gate found a problem, 2 bad usage or
unreadable input (one line on stderr, no traceback). Input files over
``TTA_MAX_INPUT_BYTES`` (default 10 MiB) are refused before they are parsed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from tta_process_support.atomic import describe_os_error
from tta_process_support.input_files import MAX_INPUT_ENV

from tta_tooling.audit import commands as audit_commands
from tta_tooling.efficiency import commands as efficiency_commands
from tta_tooling.errors import InputError
from tta_tooling.flakiness import commands as flakiness_commands
from tta_tooling.gates import commands as gates_commands
from tta_tooling.mcp import commands as mcp_commands
from tta_tooling.paf import commands as paf_commands
from tta_tooling.perf import commands as perf_commands
from tta_tooling.secrets import commands as secrets_commands
from tta_tooling.stack import commands as stack_commands
from tta_tooling.stop_guard import release

FAMILIES = (
    gates_commands,
    efficiency_commands,
    paf_commands,
    mcp_commands,
    stack_commands,
    secrets_commands,
    audit_commands,
    flakiness_commands,
    perf_commands,
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    args = _parser().parse_args(argv)
    if not getattr(args, "keeps_startup_guard", False):
        release()  # the command's own stop handling from here (tta_tooling.stop_guard)
    try:
        return int(args.handler(args))
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a writer's full disk or read-only folder, named by path
        print(f"error: {describe_os_error(error)}", file=sys.stderr)
        return 2


class _Parser(argparse.ArgumentParser):
    """Usage errors on one line (the subcommands' parsers inherit this class)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tta-tooling",
        description=__doc__,
        epilog=f"Input files larger than {MAX_INPUT_ENV} bytes (default 10 MiB) are refused, "
        "exit 2.",
    )
    parser.set_defaults(tooling=main)  # a command that runs another (paf runs check-gates)
    commands = parser.add_subparsers(required=True, metavar="command")
    for family in FAMILIES:
        family.register(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
