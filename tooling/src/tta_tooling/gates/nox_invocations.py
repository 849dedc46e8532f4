"""Recognise nox invocations among shell commands and what they select."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tta_tooling.gates.shell_commands import SimpleCommand

# Ways to launch nox: "nox", "uvx nox", "uv tool run nox", "pipx run nox", "python -m nox".
_LAUNCHERS: tuple[tuple[str, ...], ...] = (
    ("uvx",),
    ("uv", "tool", "run"),
    ("uv", "run"),
    ("pipx", "run"),
    ("python", "-m"),
    ("python3", "-m"),
)
_LAUNCHER_OPTIONS_WITH_VALUE = frozenset({"--with", "--from", "--python", "-p", "--spec"})
_NOX_WORD = re.compile(r"^nox(\[[\w,]+\])?([@=<>!~].*)?$")
_SESSION_FLAGS = frozenset({"-s", "--session", "--sessions", "-e"})
_TAG_FLAGS = frozenset({"-t", "--tags"})
_LIST_FLAGS = frozenset({"-l", "--list", "--list-sessions"})
_KEYWORD_FLAGS = frozenset({"-k", "--keywords"})


@dataclass(slots=True)
class NoxInvocation:
    """What one nox command line selects."""

    sessions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    lists: bool = False


def parse_nox(command: SimpleCommand) -> NoxInvocation | None:
    """The selection of ``command`` if it runs nox, else ``None``."""
    argv = list(command.argv)
    for launcher in _LAUNCHERS:
        if tuple(argv[: len(launcher)]) == launcher:
            argv = _skip_launcher_options(argv[len(launcher) :])
            break
    if not argv or not _NOX_WORD.match(argv[0]):
        return None
    invocation = NoxInvocation()
    target: list[str] | None = None
    for word in argv[1:]:
        if word == "--":
            break
        flag, _, inline = word.partition("=")
        if word.startswith("-"):
            target = _target_for(invocation, flag)
            if flag in _LIST_FLAGS:
                invocation.lists = True
            if inline and target is not None:
                target.append(inline)
                target = None if flag in _KEYWORD_FLAGS else target
        elif target is not None:
            target.append(word)
    return invocation


def _target_for(invocation: NoxInvocation, flag: str) -> list[str] | None:
    if flag in _SESSION_FLAGS:
        return invocation.sessions
    if flag in _TAG_FLAGS:
        return invocation.tags
    if flag in _KEYWORD_FLAGS:
        return invocation.keywords
    return None


def _skip_launcher_options(argv: list[str]) -> list[str]:
    index = 0
    while index < len(argv) and argv[index].startswith("-"):
        index += 2 if argv[index] in _LAUNCHER_OPTIONS_WITH_VALUE else 1
    return argv[index:]
