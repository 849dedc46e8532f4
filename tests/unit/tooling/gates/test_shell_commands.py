"""Splitting scripts into commands, and recognising what a nox command selects."""

from __future__ import annotations

import pytest
from tta_tooling.gates.nox_invocations import NoxInvocation, parse_nox
from tta_tooling.gates.shell_commands import SimpleCommand, split_script


def test_split_script_handles_operators_continuations_comments_and_substitutions() -> None:
    script = (
        "set -eu\n"
        'echo "x=$(uvx nox -l --json -t portable)" >> "$GITHUB_OUTPUT"\n'
        "pytest tests && ruff check . | tee out  # trailing comment\n"
        "python -m \\\n  nox -s lint 2>&1\n"
    )
    assert split_script(script) == [
        SimpleCommand(("set", "-eu")),
        SimpleCommand(("uvx", "nox", "-l", "--json", "-t", "portable")),
        SimpleCommand(("echo", "x=SUBSTITUTION"), ("$GITHUB_OUTPUT",)),
        SimpleCommand(("pytest", "tests")),
        SimpleCommand(("ruff", "check", ".")),
        SimpleCommand(("tee", "out")),
        SimpleCommand(("python", "-m", "nox", "-s", "lint"), ("1",)),
    ]


def test_split_script_rejects_an_open_quote() -> None:
    with pytest.raises(ValueError, match="No closing quotation"):
        split_script('echo "unterminated')


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("nox", NoxInvocation()),
        ("uvx nox -s lint format", NoxInvocation(sessions=["lint", "format"])),
        ("uvx --with uv nox -t quality -R", NoxInvocation(tags=["quality"])),
        ("uv tool run nox --session=tests -- -x", NoxInvocation(sessions=["tests"])),
        ("python3 -m nox -l --json -t linux", NoxInvocation(tags=["linux"], lists=True)),
        ("pipx run nox@2025.2.9 -k lint", NoxInvocation(keywords=["lint"])),
        ("uvx nox -p 3.12 -s tests", NoxInvocation(sessions=["tests"])),
    ],
)
def test_parse_nox(line: str, expected: NoxInvocation) -> None:
    assert parse_nox(split_script(line)[0]) == expected


@pytest.mark.parametrize("line", ["pytest", "uvx ruff check", "python -m pytest", "noxious -s x"])
def test_parse_nox_ignores_other_programs(line: str) -> None:
    assert parse_nox(split_script(line)[0]) is None
