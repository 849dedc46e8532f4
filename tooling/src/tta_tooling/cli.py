"""``tta-tooling``: the command line of the checkers the gates run.

Argument parsing and dispatch only; each gate family registers its own
subcommands. Exit codes: 0 pass, 1 the gate found a problem, 2 bad usage or
unreadable input (one line on stderr, no traceback). Input files over
``TTA_MAX_INPUT_BYTES`` (default 10 MiB) are refused before they are parsed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from tta_process_support.atomic import describe_os_error
from tta_process_support.input_files import MAX_INPUT_ENV

from tta_tooling.errors import InputError
from tta_tooling.stop_guard import release

# The family registering each verb, in the order ``--help`` lists them. A command imports
# its own family only (all of them take about a second to import); ``--help``, no verb
# and an unknown verb import every family, so usage and errors stay whole.
# tests/unit/tooling/test_cli_dispatch.py holds this table to what the families register.
VERBS: dict[str, str] = {
    "check-gates": "tta_tooling.gates.commands",
    "ci-config": "tta_tooling.gates.commands",
    "coverage-gate": "tta_tooling.gates.commands",
    "ci-time": "tta_tooling.gates.commands",
    "efficiency": "tta_tooling.efficiency.commands",
    "paf": "tta_tooling.paf.commands",
    "mcp": "tta_tooling.mcp.commands",
    "mcp-check": "tta_tooling.mcp.commands",
    "stack": "tta_tooling.stack.commands",
    "secrets": "tta_tooling.secrets.commands",  # pragma: allowlist secret (a verb)
    "audit": "tta_tooling.audit.commands",
    "flakiness": "tta_tooling.flakiness.commands",
    "perf-regression": "tta_tooling.perf.commands",
    "perf-baseline": "tta_tooling.perf.commands",
    "perf-error-rates": "tta_tooling.perf.commands",
    "benchmark-summary": "tta_tooling.perf.commands",
}
FAMILIES = tuple(dict.fromkeys(VERBS.values()))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = _parser(arguments[0] if arguments else None).parse_args(arguments)
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


def _parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``verb``'s family alone, or of every family when ``verb`` is none of
    theirs (``--help``, no verb, an unknown one)."""
    family = VERBS.get(verb) if verb is not None else None
    parser = _Parser(
        prog="tta-tooling",
        description=__doc__,
        epilog=f"Input files larger than {MAX_INPUT_ENV} bytes (default 10 MiB) are refused, "
        "exit 2.",
    )
    parser.set_defaults(tooling=main)  # a command that runs another (paf runs check-gates)
    commands = parser.add_subparsers(required=True, metavar="command")
    for name in FAMILIES if family is None else (family,):
        importlib.import_module(name).register(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
