"""The posargs policy of noxfile.py's @ci_posargs, as check-gates and run_gate both apply it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.gates import session_posargs
from tta_tooling.posargs_policy import (
    Patterns,
    allowed_posargs,
    never_accepted,
    pattern_list,
    refused_posargs,
)

from ...common.repository_files import REPO_ROOT

# Ways to weaken a gate from its command line: each must be refused where not declared.
WEAKENING = [
    "--exit-zero",
    "--output-file=/tmp/anywhere.txt",
    "--config=other.toml",
    "tests/other/conftest.py",
    "-p",
    "no:cacheprovider",
    "-pno:randomly",
    "-c",
    "/dev/null",
    "--confcutdir=/",
    "--ignore=tests",
    "--deselect=tests/unit",
]


@pytest.fixture(scope="module")
def repository_policy() -> dict[str, Patterns]:
    return dict(allowed_posargs(REPO_ROOT / "noxfile.py"))


def test_check_gates_uses_the_same_parser_and_matcher() -> None:
    assert session_posargs.allowed_posargs is allowed_posargs
    assert session_posargs.refused_posargs is refused_posargs


def test_the_repository_allows_what_its_noxfile_declares(
    repository_policy: dict[str, Patterns],
) -> None:
    assert {name: pattern_list(p) for name, p in repository_policy.items()} == {
        "lint": "'--statistics', '--show-fixes'",
        "format": "none",
        "tests": "'-x', '-q', '-v', '-ra'",
    }
    assert refused_posargs(["--statistics", "--show-fixes"], repository_policy["lint"]) == []
    assert refused_posargs(["-x", "-q", "-v", "-ra"], repository_policy["tests"]) == []


@pytest.mark.parametrize("session", ["lint", "format", "tests"])
def test_weakening_arguments_are_refused(
    repository_policy: dict[str, Patterns], session: str
) -> None:
    assert refused_posargs(WEAKENING, repository_policy[session]) == WEAKENING


def test_patterns_match_in_full() -> None:
    patterns = allowed_posargs(REPO_ROOT / "noxfile.py")["tests"]
    assert refused_posargs(["-xv", "-x ", " -x", "-x\n", "-rax"], patterns) == [
        "-xv",
        "-x ",
        " -x",
        "-x\n",
        "-rax",
    ]


def test_session_names_come_from_the_decorator(tmp_path: Path) -> None:
    noxfile = tmp_path / "noxfile.py"
    noxfile.write_text(
        "import nox\n"
        "@nox.session(name='perf-check')\n"
        "@ci_posargs(r'--n=\\d+')\n"
        "def perf_check(session): ...\n"
        "@nox.session\n"
        "def plain(session): ...\n",
        encoding="utf-8",
    )
    policy = allowed_posargs(noxfile)
    assert list(policy) == ["perf-check"]
    assert refused_posargs(["--n=12", "--n=x"], policy["perf-check"]) == ["--n=x"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("@ci_posargs('-' + 'x')\ndef s(session): ...\n", "field @ci_posargs of s: arguments"),
        ("@ci_posargs('[')\ndef s(session): ...\n", "regular expressions (unterminated"),
        ("@ci_posargs(3)\ndef s(session): ...\n", "must be string literals"),
        ("def s(session:\n", "invalid Python"),
    ],
)
def test_a_policy_that_cannot_be_read_names_the_file(
    tmp_path: Path, source: str, message: str
) -> None:
    noxfile = tmp_path / "noxfile.py"
    noxfile.write_text(source, encoding="utf-8")
    with pytest.raises(InputError, match=r"noxfile\.py:\d+: ") as error:
        allowed_posargs(noxfile)
    assert message in str(error.value)


def test_control_characters_and_response_files_are_refused_whatever_the_patterns() -> None:
    anything = (re.compile(r"(?s).*"),)
    args = ["-x", "-x\x00", "a\nb", "\x7f", "@args.txt", "a@b"]
    assert refused_posargs(args, anything) == ["-x\x00", "a\nb", "\x7f", "@args.txt"]
    assert never_accepted("a@b") is None
    assert "response file" in (never_accepted("@-") or "")
