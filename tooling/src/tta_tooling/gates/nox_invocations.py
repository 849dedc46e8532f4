"""Recognise a nox command line: how nox is launched (and pinned), what it selects.

Only options that cannot change what a gate checks are accepted; everything
else is reported in :attr:`NoxCall.problems`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_TOOL = re.compile(r"^nox(?:\[[\w,-]+\])?(?:(?:@|==)(?P<version>\S+))?$")
_SPEC = re.compile(r"^nox(?:\[[\w,-]+\])?==(?P<version>\S+)$")
_TOOL_RUNNERS: tuple[tuple[str, ...], ...] = (("uvx",), ("uv", "tool", "run"), ("pipx", "run"))
_PYTHON_M = (("python", "-m"), ("python3", "-m"), ("py", "-m"))
_RUNNER_OPTIONS_WITH_VALUE = frozenset({"--from", "--spec", "--python", "-p"})
_RUNNER_FLAGS = frozenset({"-q", "--quiet", "--no-progress", "--locked", "--frozen", "--isolated"})

_SESSION_FLAGS = frozenset({"-s", "--session", "--sessions", "-e"})
_TAG_FLAGS = frozenset({"-t", "--tags"})
# Options after which nox prints and exits without running a session.
_LIST_FLAGS = frozenset({"-l", "--list", "--list-sessions", "--version", "-h", "--help"})
_HARMLESS_FLAGS = frozenset(
    {
        "--json",
        "-R",
        "-r",
        "--reuse-existing-virtualenvs",
        "--no-reuse-existing-virtualenvs",
        "-x",
        "--stop-on-first-error",
        "--error-on-missing-interpreters",
        "--error-on-external-run",
        "--forcecolor",
        "--force-color",
        "--nocolor",
        "--no-color",
        "-v",
        "--verbose",
        "--add-timestamp",
        "--non-interactive",
        "--parallel",
    }
)
# Parallel runs (`-j 2`, `--jobs=auto`): how many at once, never which.
_JOBS_FLAGS = frozenset({"-j", "--jobs"})
_JOBS_VALUE = re.compile(r"^(\d+|auto)$")
_HARMLESS_WITH_VALUE = frozenset({"--reuse-venv", "--report"})
_REFUSED: dict[str, str] = {
    "-f": "runs another noxfile (`--noxfile`)",
    "--noxfile": "runs another noxfile (`--noxfile`)",
    "-k": "selects sessions by keyword (`-k`); use -s <session> or -t <tag>",
    "--keywords": "selects sessions by keyword (`-k`); use -s <session> or -t <tag>",
}


@dataclass(slots=True)
class NoxCall:
    """One nox command line.

    ``sessions`` / ``tags`` are ``None`` when the flag is absent; ``pin`` is the
    version the launcher pins, ``locked`` is true for ``uv run --locked nox``.
    """

    pin: str | None = None
    locked: bool = False
    sessions: list[str] | None = None
    tags: list[str] | None = None
    lists: bool = False
    posargs: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_nox(argv: Sequence[str]) -> NoxCall | None:
    """The nox call ``argv`` makes, or ``None`` if it does not launch nox."""
    call = NoxCall()
    rest = _strip_launcher(list(argv), call)
    if rest is None:
        return None
    _parse_options(rest, call)
    return call


def _strip_launcher(argv: list[str], call: NoxCall) -> list[str] | None:
    if argv[:1] == ["sudo"]:
        argv = argv[1:]
    for prefix in _PYTHON_M:
        if tuple(argv[:2]) == prefix and argv[2:3] == ["nox"]:
            return argv[3:]
    if argv[:2] == ["uv", "run"]:
        options, tool = _runner_options(argv[2:], call)
        if tool is None or tool[0] != "nox":
            return None
        call.locked = "--locked" in options or "--frozen" in options
        return tool[1:]
    for runner in _TOOL_RUNNERS:
        if tuple(argv[: len(runner)]) == runner:
            return _strip_tool_runner(argv[len(runner) :], call)
    if argv[:1] and _TOOL.match(argv[0]) and "@" not in argv[0] and "==" not in argv[0]:
        return argv[1:]
    return None


def _strip_tool_runner(argv: list[str], call: NoxCall) -> list[str] | None:
    options, tool = _runner_options(argv, call)
    match = _TOOL.match(tool[0]) if tool else None
    if tool is None or match is None:
        return None
    spec = _SPEC.match(options.get("--from") or options.get("--spec") or "")
    call.pin = match["version"] or (spec["version"] if spec else None)
    return tool[1:]


def _runner_options(argv: list[str], call: NoxCall) -> tuple[dict[str, str], list[str] | None]:
    options: dict[str, str] = {}
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        name, has_value, inline = argv[index].partition("=")
        if name in _RUNNER_OPTIONS_WITH_VALUE:
            if not has_value:
                index += 1
                inline = argv[index] if index < len(argv) else ""
            options[name] = inline
        elif name in _RUNNER_FLAGS:
            options[name] = ""
        else:
            call.problems.append(f"launcher option `{argv[index]}` is not allowed")
        index += 1
    return options, (argv[index:] or None)


def _parse_options(argv: list[str], call: NoxCall) -> None:
    target: list[str] | None = None
    skip_value = False
    for index, word in enumerate(argv):
        if skip_value:
            skip_value = False
            continue
        if word == "--":
            call.posargs = argv[index + 1 :]
            return
        if not word.startswith("-"):
            if target is None:
                call.problems.append(
                    f"argument `{word}` belongs to no option (posargs go after --)"
                )
            else:
                target.append(word)
            continue
        flag, has_value, inline = word.partition("=")
        target = None
        if flag in _SESSION_FLAGS:
            call.sessions = target = [*(call.sessions or []), *([inline] if has_value else [])]
        elif flag in _TAG_FLAGS:
            call.tags = target = [*(call.tags or []), *([inline] if has_value else [])]
        elif flag in _LIST_FLAGS:
            call.lists = True
        elif flag in _REFUSED:
            call.problems.append(_REFUSED[flag])
        elif flag in _HARMLESS_WITH_VALUE | _JOBS_FLAGS:
            skip_value = not has_value and _takes_next(flag, argv[index + 1 : index + 2])
        elif flag not in _HARMLESS_FLAGS:
            call.problems.append(f"nox option `{flag}` is not allowed: it can change what runs")


def _takes_next(flag: str, following: list[str]) -> bool:
    """Whether ``flag``'s value is the next word (``-j`` takes one only if it is a count)."""
    return flag not in _JOBS_FLAGS or bool(following and _JOBS_VALUE.match(following[0]))
