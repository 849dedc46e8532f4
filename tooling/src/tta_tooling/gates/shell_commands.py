"""Split a shell script (a workflow ``run:`` block, a VS Code task) into simple commands."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "(", ")"})
_REDIRECTS = frozenset({">", ">>", "<", "2>", "2>>", "&>", ">&"})
_SUBSTITUTION = re.compile(r"\$\(([^()]*)\)")


@dataclass(frozen=True, slots=True)
class SimpleCommand:
    """One command of a script: its words, and the files its output is redirected to."""

    argv: tuple[str, ...]
    redirects: tuple[str, ...] = ()

    def __str__(self) -> str:
        return shlex.join(self.argv)


def split_script(script: str) -> list[SimpleCommand]:
    """Every simple command in ``script``, including those inside ``$(...)``.

    Raises ``ValueError`` when the script cannot be tokenized (e.g. an open quote).
    """
    commands: list[SimpleCommand] = []
    for line in script.replace("\\\n", " ").splitlines():
        for inner in _SUBSTITUTION.findall(line):
            commands.extend(split_script(inner))
        commands.extend(_split_line(_SUBSTITUTION.sub("SUBSTITUTION", line)))
    return commands


def _split_line(line: str) -> list[SimpleCommand]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.commenters = "#"
    commands: list[SimpleCommand] = []
    words: list[str] = []
    redirects: list[str] = []
    expect_target = False
    for token in [*lexer, ";"]:
        if expect_target:
            redirects.append(token)
            expect_target = False
        elif token in _REDIRECTS:
            if words and words[-1].isdigit():  # the "2" of "2>&1"
                words.pop()
            expect_target = True
        elif token in _OPERATORS:
            if words:
                commands.append(SimpleCommand(tuple(words), tuple(redirects)))
            words, redirects = [], []
        else:
            words.append(token)
    return commands
