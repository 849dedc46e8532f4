"""``.ci/run``, the CI entry point: strict shell, nothing that hides a failure, the
README's test command word for word and unconditionally, then every other default
session from nox's own listing.

"Unconditionally" is read from the script's structure: the command must sit at
the top level (outside any ``if`` / loop / ``case`` / function / group, not on a
continued line) with no top-level ``exit`` / ``return`` / ``exec`` before it.
The listing that picks the other sessions may drop only ``tests`` (run just
before), and a top-level nox call must run what it lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tta_tooling.errors import read_input
from tta_tooling.reporting import Finding

CI_ENTRY = ".ci/run"
README = "README.md"
_STRICT = re.compile(r"^set -euo pipefail$", re.MULTILINE)
_MASKING = re.compile(
    r"\|\|\s*(?:true|:|exit|return)(?:\s|;|$)|\bset\s+(?:\+[a-z]*[eo]|-[a-z]*a\b|-o\s+allexport)"
    r"|^\s*exit\s+0\b"
)
_QUICK_START = re.compile(
    r"^## Quick start\n(?:.*\n)*?```sh\n(?P<block>(?:.*\n)*?)```", re.MULTILINE
)
_QUOTED = re.compile(r"'[^']*'|\"(?:[^\"\\]|\\.)*\"")
_OPENERS = re.compile(
    r"(?:^|[;&|({]\s*|\bthen\s+|\bdo\s+|\belse\s+)(if|for|while|until|case|select)\b"
)
_CLOSERS = re.compile(r"(?:^|[;&|]\s*|\s)(fi|done|esac)\b")
_LEAVES = re.compile(r"^(?:exit|return|exec)\b")
_NOX = re.compile(r"\bnox(?:@\S+)?\s")
_LISTING_WORDS = frozenset({" ", "session", "name", "tests", "python", "tags"})
_NARROWING_TOOLS = re.compile(r"\b(?:grep|head|tail|sed|awk|jq|cut)\b")
_SELECTING = re.compile(r"\s(?:-s|--sessions?|-t|--tags|-k|--keywords|-e)\b")
_TESTS = re.compile(r"\s-s tests(?:\s|$)")
_ASSIGNED = re.compile(r"^(\w+)=")
# `-s $others` / `-s "${others}"`: the whole listing, not an expansion that cuts it.
_SELECTS_VARIABLE = re.compile(r"\s-s\s+(\"?)\$(?:\{(\w+)\}|(\w+))\1(?=\s|$)")


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    text: str  # the logical command, continuation lines joined
    depth: int


def check_ci_entry(root: Path) -> Iterator[Finding]:
    """Findings in ``.ci/run`` (its absence is reported with the nox pins)."""
    path = root / CI_ENTRY
    if not path.is_file():
        return
    text = read_input(path)
    if not _STRICT.search(text):
        yield Finding(CI_ENTRY, "must run under `set -euo pipefail`", 1)
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.lstrip().startswith("#") and _MASKING.search(raw):
            yield Finding(CI_ENTRY, f"`{raw.strip()}` can hide a failing gate", number)
    lines = list(_structure(text))
    test_command = _readme_test_command(root)
    if test_command is None:
        yield Finding(README, "the Quick start has no `-s tests` command in a ```sh block")
        return
    test_line = next((ln for ln in lines if ln.text == test_command), None)
    if test_line is None:
        near = next((ln.number for ln in lines if _TESTS.search(ln.text)), 1)
        yield Finding(
            CI_ENTRY,
            f"does not run the README's test command `{test_command}` as a command of its own",
            near,
        )
        return
    if test_line.depth:
        yield Finding(
            CI_ENTRY,
            "runs the README's test command inside a condition, loop, function or group: "
            "it must run unconditionally, at the top level",
            test_line.number,
        )
    for line in lines:
        if line.number >= test_line.number:
            break
        if line.depth == 0 and _LEAVES.match(line.text):
            yield Finding(CI_ENTRY, f"`{line.text}` ends the script before its tests", line.number)
    yield from _check_default_sessions(lines, test_line)


def _check_default_sessions(lines: list[_Line], test_line: _Line) -> Iterator[Finding]:
    listed: set[str] = set()
    for line in lines:
        if not _NOX.search(line.text) or line.number == test_line.number:
            continue
        if "--list" in line.text:
            yield from _check_listing(line)
            assigned = _ASSIGNED.match(line.text)
            if assigned and line.depth == 0:
                listed.add(assigned[1])
            continue
        selected = _SELECTS_VARIABLE.search(line.text)
        variable = (selected[2] or selected[3]) if selected else None
        runs_defaults = not _SELECTING.search(line.text) or variable in listed
        if runs_defaults and line.depth == 0 and line.number > test_line.number:
            return
    yield Finding(
        CI_ENTRY,
        "no top-level nox call after the README's test command runs every other default "
        "session (plain `nox`, or `-s $others` from a `nox --list --json` that drops only "
        '"tests")',
        test_line.number,
    )


def _check_listing(line: _Line) -> Iterator[Finding]:
    words = {w[1:-1] for w in re.findall(r"\"[^\"]*\"", line.text.replace("'", ""))}
    unexpected = sorted(w for w in words if w not in _LISTING_WORDS and "$" not in w)
    if unexpected or _NARROWING_TOOLS.search(line.text) or _SELECTING.search(line.text):
        yield Finding(
            CI_ENTRY,
            "filters nox's session listing by more than the `tests` sessions run before "
            f"({', '.join(repr(w) for w in unexpected) or 'a selection or text filter'})",
            line.number,
        )


def _structure(text: str) -> Iterator[_Line]:
    """Each logical command with its nesting depth (a line-based reading of the shell).

    Lines ending in ``\\``, ``|``, ``&&`` or ``||`` continue the command.
    """
    depth = 0
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if not pending:
            start = number
        pending.append(stripped.removesuffix("\\").strip())
        if stripped.endswith(("\\", "|", "&&")):
            continue
        logical = " ".join(pending)
        pending = []
        bare = _QUOTED.sub("''", logical)
        yield _Line(start, logical, depth)
        depth += len(_OPENERS.findall(bare)) - len(_CLOSERS.findall(bare))
        depth += bare.count("{") - bare.count("}")
        depth += _subshells(bare)
        depth = max(depth, 0)


def _subshells(bare: str) -> int:
    if bare.startswith("(") and not bare.startswith("(("):
        return 0 if bare.endswith(")") else 1
    return -1 if bare == ")" else 0


def _readme_test_command(root: Path) -> str | None:
    path = root / README
    if not path.is_file():
        return None
    match = _QUICK_START.search(read_input(path))
    commands = match["block"].splitlines() if match else []
    return next((c for c in commands if not c.startswith("#") and _TESTS.search(c)), None)
