"""``tta-tooling <verb>`` imports the one family that registers the verb; help, no verb
and an unknown verb still see every family. The dispatcher's verb table is held here to
what the families register."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest
from tta_tooling import cli

from .conftest import run_in_process


def _verbs(parser: argparse.ArgumentParser) -> list[str]:
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(commands.choices)


def test_the_verb_table_is_what_each_family_registers() -> None:
    registered: dict[str, str] = {}
    for name in cli.FAMILIES:
        commands = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(name).register(commands)
        registered |= dict.fromkeys(commands.choices, name)
    assert registered == cli.VERBS
    assert list(registered) == list(cli.VERBS)  # --help lists them in the table's order


@pytest.mark.parametrize("verb", ["check-gates", "mcp-check", "perf-baseline", "stack"])
def test_a_verb_builds_the_parser_of_its_family_alone(verb: str) -> None:
    family = cli.VERBS[verb]
    assert _verbs(cli._parser(verb)) == [v for v, f in cli.VERBS.items() if f == family]


@pytest.mark.parametrize("verb", [None, "-h", "no-such-verb"])
def test_help_no_verb_and_an_unknown_verb_see_every_family(verb: str | None) -> None:
    assert _verbs(cli._parser(verb)) == list(cli.VERBS)


def test_an_unknown_verb_is_refused_with_every_choice_named() -> None:
    done = run_in_process("no-such-verb")
    assert done.returncode == 2
    assert "invalid choice: 'no-such-verb'" in done.stderr
    assert all(verb in done.stderr for verb in cli.VERBS)


# What a verb's --help must not import: the libraries only other verbs (or its own
# handler, once it runs) need.
NOT_IMPORTED = {
    "check-gates": ["jsonschema", "detect_secrets", "importlinter", "mcp", "bashlex"],
    "secrets": ["detect_secrets", "jsonschema", "importlinter"],
    "paf": ["importlinter", "detect_secrets", "jsonschema"],
    "mcp": ["mcp", "jsonschema", "detect_secrets", "importlinter"],
}


@pytest.mark.smoke  # a fresh interpreter: the test process has imported every family
@pytest.mark.parametrize("verb", sorted(NOT_IMPORTED))
def test_a_verbs_help_imports_no_other_verbs_libraries(verb: str) -> None:
    code = (
        "import sys\nfrom tta_tooling.cli import main\n"
        f"try:\n    main([{verb!r}, '--help'])\nexcept SystemExit:\n    pass\n"
        "print(*sorted({name.partition('.')[0] for name in sys.modules}), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    imported = set(done.stderr.split())
    assert "argparse" in imported  # the list was printed
    assert imported.isdisjoint(NOT_IMPORTED[verb])
