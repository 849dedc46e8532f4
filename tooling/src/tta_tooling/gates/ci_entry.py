"""``.ci/run``, the CI entry point: strict shell, nothing that hides a failure, the
README's test command word for word and unconditionally, then every other default
session from nox's own listing.

The script is read with the shell model the workflows' ``run:`` steps use
(:mod:`~tta_tooling.gates.shell_script`, with loops and functions walked), so
"unconditionally" is read from its structure: the README's commands must follow
each other at the top level (outside any ``if`` / loop / function / group),
with nothing that swallows the last one's status, and no ``exit`` / ``return``
/ ``exec`` before them. The listing that picks the other sessions may drop only
``tests`` (run just before), and a top-level nox call after the tests must run
all of it (``-s $others``, not an expansion that cuts the list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.gates.env_policy import HARMLESS_VARIABLES, TOOL_VARIABLE
from tta_tooling.gates.shell_script import ParsedScript, ShellCommand, parse_script
from tta_tooling.reporting import Finding

CI_ENTRY = ".ci/run"
README = "README.md"
_QUICK_START = re.compile(
    r"^## Quick start\n(?:.*\n)*?```sh\n(?P<block>(?:.*\n)*?)```", re.MULTILINE
)
_NOX_WORD = re.compile(r"(?:^|/)nox(?:@\S+)?$")
_LISTING_WORDS = frozenset({" ", "session", "name", "tests", "python", "tags"})
_NARROWING_TOOLS = re.compile(r"\b(?:grep|head|tail|sed|awk|jq|cut)\b")
_SELECTING = frozenset({"-s", "--session", "--sessions", "-t", "--tags", "-k", "--keywords", "-e"})
_TESTS = re.compile(r"\s-s tests(?:\s|$)")
_WHOLE_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")
_SWALLOWERS = frozenset({"true", ":", "exit", "return"})
_REASSIGNING = frozenset({"unset", "read", "export", "declare", "local", "readonly"})
_LEAVES = frozenset({"exit", "return", "exec"})
_AFTER_OR = "runs only when the command before `||` fails"
_UNREAD_CODE = {
    "eval": "runs a string as code, which check-gates cannot read",
    "source": "runs another file's commands, which check-gates does not read",
    ".": "runs another file's commands, which check-gates does not read",
    "alias": "defines an alias, which can stand in for any command",
}
_DECLARING = frozenset({"export", "declare", "typeset", "local", "readonly"})
_CI_VARIABLES = frozenset({"PYENV_VERSION"})  # .ci/run makes every installed Python findable
_FUNCTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Commands a function must not stand in for: what the README's command and nox calls run,
# bash's builtins that decide control flow, and bash's hook for a missing command.
_PROGRAMS = frozenset(
    {"python", "python3", "pip", "pip3", "uv", "uvx", "nox", "bash", "sh", "env", "command"}
    | {"builtin", "exec", "exit", "set", "shopt", "trap", "cd", "source", "eval", "test"}
    | {"true", "false", "echo", "printf", "apt-get", "sudo", "git", "command_not_found_handle"}
)


def check_ci_entry(root: Path) -> Iterator[Finding]:
    """Findings in ``.ci/run`` (its absence is reported with the nox pins)."""
    path = root / CI_ENTRY
    if not path.is_file():
        return
    parsed = parse_script(read_input(path), structures=True)
    for problem in parsed.problems:
        yield Finding(CI_ENTRY, problem, 1)
    yield from _stand_ins(parsed)
    commands = parsed.commands
    if not any(_strict(c) for c in commands):
        yield Finding(CI_ENTRY, "must run under `set -euo pipefail` at the top level", 1)
    masked: set[tuple[int, str]] = set()  # a function's command, once per reason
    for command in commands:
        hidden = _hidden(command)
        if hidden and (command.line, hidden) not in masked:
            masked.add((command.line, hidden))
            called = command.called_from is not None and command.exposure
            where = f" (in the function called at line {command.called_from})" if called else ""
            yield Finding(
                CI_ENTRY, f"`{command}`{where} can hide a failing gate: it {hidden}", command.line
            )
    yield from _exit_handler(commands)
    test_command = _readme_test_command(root)
    if test_command is None:
        yield Finding(README, "the Quick start has no `-s tests` command in a ```sh block")
        return
    tests = _find_sequence(commands, parse_script(test_command).commands)
    if tests is None:
        near = next((c.line for c in commands if _TESTS.search(f" {c} ")), 1)
        yield Finding(
            CI_ENTRY,
            f"does not run the README's test command `{test_command}` as a command of its own",
            near,
        )
        return
    if tests.nesting:
        yield Finding(
            CI_ENTRY,
            f"runs the README's test command {tests.nesting}: it must run unconditionally, "
            "at the top level",
            tests.line,
        )
    elif tests.exposure:
        yield Finding(CI_ENTRY, f"the README's test command {tests.exposure}", tests.line)
    for command in commands:
        if _line(command) >= tests.line:
            break
        leaving = command.argv[:1] and command.argv[0] in _LEAVES
        returns = command.argv[:1] == ("return",) and command.called_from is not None
        if leaving and not returns and not (command.nesting or "").startswith("inside function"):
            yield Finding(CI_ENTRY, f"`{command}` ends the script before its tests", command.line)
    yield from _check_default_sessions(commands, tests)


def _strict(command: ShellCommand) -> bool:
    argv = command.argv
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and a != "-o")
    return (
        not command.nesting
        and argv[:1] == ("set",)
        and {"e", "u"} <= set(flags)
        and "pipefail" in argv
    )


def _hidden(command: ShellCommand) -> str | None:
    """How ``command`` can hide a failing gate, or None."""
    argv = command.argv
    hidden = None
    if argv[:1] == ("set",) and any(a.startswith("+") and ("e" in a or "o" in a) for a in argv[1:]):
        hidden = "turns off exit-on-error"
    elif argv[:1] == ("set",) and any(
        (a.startswith("-") and not a.startswith("--") and "a" in a) or a == "allexport"
        for a in argv[1:]
    ):
        hidden = "exports every variable the script sets"
    elif argv[:1] and argv[0] in _SWALLOWERS and command.exposure == _AFTER_OR:
        hidden = "swallows the failure of the command before `||`"
    elif argv[:2] == ("exit", "0") or (
        argv[:1] == ("trap",) and re.search(r"\bexit 0\b", " ".join(argv[1:2]))
    ):
        hidden = "exits green whatever failed"
    elif _runs_nox(command) and "--list" not in argv and command.exposure:
        hidden = command.exposure
    elif argv[:1] and argv[0] in _UNREAD_CODE:
        hidden = _UNREAD_CODE[argv[0]]
    elif argv[:1] == ("shopt",) and any(a.startswith("-") and "o" in a for a in argv[1:]):
        hidden = "changes `set -o` options, which `set -euo pipefail` made strict"
    return hidden or _environment(command)


def _environment(command: ShellCommand) -> str | None:
    """Why a variable the command sets or exports can change what a gate runs, or None."""
    argv = command.argv
    declared = argv[1:] if argv[:1] and argv[0] in _DECLARING else ()
    exported = bool(argv) and (argv[0] == "export" or "-x" in declared)
    names = [(a.partition("=")[0], bool(argv)) for a in command.assignments]
    names += [(w.partition("=")[0], exported) for w in declared if not w.startswith("-")]
    for name, passed_on in names:
        if name in _CI_VARIABLES:
            continue
        if TOOL_VARIABLE.match(name):
            return f"sets {name}, which bash or the gates' tools read"
        if passed_on and name not in HARMLESS_VARIABLES:
            return f"exports {name}, which is not on the list of harmless variables"
    return None


def _stand_ins(parsed: ParsedScript) -> Iterator[Finding]:
    """Functions named like a command the script runs: a call would run the function."""
    for name, (_, _, line) in parsed.functions.items():
        if _FUNCTION_NAME.match(name) is None or name in _PROGRAMS:
            yield Finding(
                CI_ENTRY,
                f"function `{name}` stands in for a command: calls of it would run the "
                "function instead",
                line,
            )


def _line(command: ShellCommand) -> int:
    """Where a command runs: its own line, or the line of the call that runs its function."""
    return command.line if command.called_from is None else command.called_from


def _exit_handler(commands: list[ShellCommand]) -> Iterator[Finding]:
    """The ``trap <function> EXIT`` handler exits only with the status it captured (``$?``).

    bash exits with the handler's ``exit`` status (bash manual, "trap"), so a handler
    that resets the captured status, or exits with another variable, turns a red run green.
    """
    trap = next(
        (
            c
            for c in commands
            if not c.nesting
            and len(c.argv) == 3
            and c.argv[0] == "trap"
            and c.argv[2] == "EXIT"
            and c.argv[1] != "-"
        ),
        None,
    )
    if trap is None:
        return
    body = [c for c in commands if c.nesting == f"inside function {trap.argv[1]}()"]
    words = [w for c in body for w in (*c.assignments, *c.argv[1:])]
    status = next((w.partition("=")[0] for w in words if w.endswith("=$?")), None)
    top = min((c.depth for c in body), default=0)  # the function's own block
    for command in body:
        for word in (*command.assignments, *command.argv[1:]):
            name, _, value = word.partition("=")
            direct = command.depth == top and value not in ("$?", "")
            if name == status and ("$" not in value or direct):
                yield Finding(
                    CI_ENTRY,
                    f"`{command}` in the EXIT handler replaces the run's status: a failed "
                    "gate would exit green",
                    command.line,
                )
        exits = command.argv[:1] == ("exit",) and command.argv != ("exit", "0")  # see _masking
        if exits and command.argv[1:] != (f"${status}",):
            yield Finding(
                CI_ENTRY,
                f"`{command}` in the EXIT handler exits with another status than the run's "
                f'(`exit "${status or "?"}"`)',
                command.line,
            )


def _runs_nox(command: ShellCommand) -> bool:
    return any(_NOX_WORD.search(word) for word in command.argv)


def _find_sequence(
    commands: Sequence[ShellCommand], wanted: Sequence[ShellCommand]
) -> ShellCommand | None:
    """The last command of the first run of ``commands`` whose words are ``wanted``'s."""
    words = [c.argv for c in wanted]
    for index in range(len(commands) - len(words) + 1):
        window = commands[index : index + len(words)]
        if words and [c.argv for c in window] == words:
            return window[-1]
    return None


def _check_default_sessions(commands: list[ShellCommand], tests: ShellCommand) -> Iterator[Finding]:
    listed: set[str] = set()
    for command in commands:
        if command.in_substitution or command is tests:
            continue
        text = str(command)
        names = [a.partition("=")[0] for a in command.assignments]
        if "--list" in text and "nox" in text:
            yield from _check_listing(command)
            if not command.nesting and not command.argv:
                listed.update(names)
            continue
        if not command.argv or command.argv[0] in _REASSIGNING:  # a later value wins
            listed.difference_update([*names, *(a.partition("=")[0] for a in command.argv[1:])])
            continue
        if not _runs_nox(command) or command.nesting or command.exposure:
            continue
        if _line(command) > tests.line and _runs_every_default(command.argv, listed):
            return
    yield Finding(
        CI_ENTRY,
        "no top-level nox call after the README's test command runs every other default "
        "session (plain `nox`, or `-s $others` from a `nox --list --json` that drops only "
        '"tests")',
        tests.line,
    )


def _runs_every_default(argv: tuple[str, ...], listed: set[str]) -> bool:
    selecting = [i for i, word in enumerate(argv) if word in _SELECTING]
    if not selecting:
        return True
    if [argv[i] for i in selecting] not in (["-s"], ["--sessions"], ["--session"]):
        return False
    after = argv[selecting[0] + 1 : selecting[0] + 2]
    match = _WHOLE_VARIABLE.match(after[0]) if after else None
    return match is not None and (match[1] or match[2]) in listed


def _check_listing(command: ShellCommand) -> Iterator[Finding]:
    text = str(command)
    words = {w[1:-1] for w in re.findall(r"\"[^\"]*\"", text.replace("'", ""))}
    unexpected = sorted(w for w in words if w not in _LISTING_WORDS and "$" not in w)
    inner = text.partition("--list")[2]
    if unexpected or _NARROWING_TOOLS.search(text) or _SELECTING & set(inner.split()):
        yield Finding(
            CI_ENTRY,
            "filters nox's session listing by more than the `tests` sessions run before "
            f"({', '.join(repr(w) for w in unexpected) or 'a selection or text filter'})",
            command.line,
        )


def _readme_test_command(root: Path) -> str | None:
    path = root / README
    if not path.is_file():
        return None
    match = _QUICK_START.search(read_input(path))
    commands = match["block"].splitlines() if match else []
    return next((c for c in commands if not c.startswith("#") and _TESTS.search(c)), None)
