"""ci-config keeps each gate's self-test row where the gate runs (default file / opt-in file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.gates.nox_sessions import Session, SessionCatalog
from tta_tooling.gates.selftest_rows import (
    DEFAULT_ROWS,
    OPT_IN_ROWS,
    OPT_IN_SESSION,
    check_selftest_rows,
)

CATALOG = SessionCatalog(
    (
        Session("lint", "lint", frozenset(), default=True),
        Session("tests-3.11", "tests", frozenset(), default=True, python="3.11"),
        Session("tests-3.12", "tests", frozenset(), default=True, python="3.12"),
        Session("e2e", "e2e", frozenset(), default=False),
        Session(OPT_IN_SESSION, OPT_IN_SESSION, frozenset(), default=False),
    )
)
LINT_ROW = 'def test_lint(repo_copy):\n    assert_red(run_nox(repo_copy, "-s", "lint"))\n'
TESTS_ROW = 'def test_tests(repo_copy):\n    run_nox(repo_copy, "-s", f"tests-{python}")\n'
E2E_ROW = 'def test_e2e(repo_copy):\n    run_nox(repo_copy, "-s", "e2e", "--", "-k", "x")\n'


def _rows(root: Path, default: str, opt_in: str) -> Path:
    for relative, text in ((DEFAULT_ROWS, default), (OPT_IN_ROWS, opt_in)):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def _messages(root: Path) -> list[str]:
    return [finding.as_text() for finding in check_selftest_rows(root, CATALOG)]


def test_every_gate_in_its_place_is_accepted(tmp_path: Path) -> None:
    assert _messages(_rows(tmp_path, LINT_ROW + TESTS_ROW, E2E_ROW)) == []


def test_a_literal_parametrised_session_name_counts_for_its_gate(tmp_path: Path) -> None:
    literal = TESTS_ROW.replace('f"tests-{python}"', '"tests-3.12"')
    assert _messages(_rows(tmp_path, LINT_ROW + literal, E2E_ROW)) == []


@pytest.mark.parametrize(
    ("default", "opt_in", "expected"),
    [
        (TESTS_ROW, E2E_ROW, f"{DEFAULT_ROWS.as_posix()}: default gate 'lint' has no self-test"),
        (LINT_ROW, E2E_ROW, "default gate 'tests' has no self-test row here"),
        (TESTS_ROW, LINT_ROW + E2E_ROW, "default gate 'lint' has no self-test row here"),
        (
            LINT_ROW + TESTS_ROW + E2E_ROW,
            E2E_ROW,
            f"{DEFAULT_ROWS.as_posix()}:6: test_e2e is the row of opt-in gate 'e2e'",
        ),
        (LINT_ROW + TESTS_ROW, "", f"{OPT_IN_ROWS.as_posix()}: opt-in gate 'e2e' has no"),
    ],
    ids=[
        "default-missing",
        "parametrised-missing",
        "default-only-in-opt-in",
        "opt-in-in-default",
        "opt-in-missing",
    ],
)
def test_a_row_missing_or_misplaced_is_a_finding(
    tmp_path: Path, default: str, opt_in: str, expected: str
) -> None:
    messages = _messages(_rows(tmp_path, default, opt_in))
    assert any(expected in message for message in messages), messages


def test_the_opt_in_selftest_session_needs_no_row_of_its_own(tmp_path: Path) -> None:
    messages = _messages(_rows(tmp_path, LINT_ROW + TESTS_ROW, E2E_ROW))
    assert not [m for m in messages if OPT_IN_SESSION in m]


@pytest.mark.parametrize("broken", ["def test_x(:\n", None], ids=["syntax", "missing"])
def test_an_unreadable_row_file_is_bad_input(tmp_path: Path, broken: str | None) -> None:
    _rows(tmp_path, LINT_ROW + TESTS_ROW, broken or "")
    if broken is None:
        (tmp_path / OPT_IN_ROWS).unlink()
    with pytest.raises(InputError, match=OPT_IN_ROWS.name):
        check_selftest_rows(tmp_path, CATALOG)
