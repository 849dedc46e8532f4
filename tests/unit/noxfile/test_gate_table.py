"""Every nox session has its row in docs/development.md's gate table, and keeps to it.

The noxfile is parsed (nox never starts); :mod:`.gate_table` holds the checks, so the
failure modes are proven here on small planted texts, in-process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .gate_table import END, START, nox_sessions, table_problems, table_rows

ROOT = Path(__file__).resolve().parents[3]
NOXFILE = (ROOT / "noxfile.py").read_text(encoding="utf-8")
DEVELOPMENT = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
PROBLEMS = table_problems(NOXFILE, DEVELOPMENT, ROOT)


@pytest.mark.parametrize("session", sorted(PROBLEMS))
def test_each_session_keeps_to_its_row(session: str) -> None:
    assert PROBLEMS[session] == []


def test_the_table_has_a_row_for_every_session_and_nothing_else() -> None:
    sessions = {session.name for session in nox_sessions(NOXFILE)}
    assert len(sessions) >= 20
    assert {row.session for row in table_rows(DEVELOPMENT)} == sessions


# A tiny project: a noxfile, its gate table, one workflow.
PLANTED_NOXFILE = '''
import nox


def install(session, *groups):
    session.run_install("uv", "sync")


@nox.session(tags=["quality"])
def lint(session):
    """Lint."""
    install(session, "lint")
    session.run("ruff", "check", *session.posargs)
'''
PLANTED_ROW = "| lint | `ruff` | `ruff.__main__:find_ruff_bin` | `ruff check` | `lint` | `q.yml` |"


def _project(tmp_path: Path, noxfile: str = PLANTED_NOXFILE, rows: str = PLANTED_ROW) -> Path:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "q.yml").write_text("      - run: uvx nox@2026.10.20 -t quality\n")
    (tmp_path / "noxfile.py").write_text(noxfile, encoding="utf-8")
    header = "| gate | home module | entry point | CLI verb | nox session | workflows |\n|---|"
    (tmp_path / "development.md").write_text(f"{START}\n{header}\n{rows}\n{END}\n")
    return tmp_path


def _problems(root: Path) -> dict[str, list[str]]:
    return table_problems(
        (root / "noxfile.py").read_text(), (root / "development.md").read_text(), root
    )


def test_a_planted_session_that_keeps_to_its_row_passes(tmp_path: Path) -> None:
    assert _problems(_project(tmp_path)) == {"lint": []}


def test_a_new_session_without_a_row_fails(tmp_path: Path) -> None:
    noxfile = PLANTED_NOXFILE + (
        '\n\n@nox.session(name="docs-build")\ndef docs(session):\n'
        '    install(session)\n    session.run("sphinx-build")\n'
    )
    problems = _problems(_project(tmp_path, noxfile))
    assert problems["docs-build"] == ["has no row in the gate table of docs/development.md"]
    assert problems["lint"] == []


def test_a_row_naming_a_missing_entry_point_fails(tmp_path: Path) -> None:
    for index, (entry_point, why) in enumerate(
        [
            ("ruff.__main__:no_such_function", "`no_such_function` is not a callable of"),
            ("no_such_module:main", "does not import: No module named 'no_such_module'"),
            ("scripts/absent.py:main", "does not import: no file scripts/absent.py"),
        ]
    ):
        row = PLANTED_ROW.replace("ruff.__main__:find_ruff_bin", entry_point)
        root = _project(tmp_path / str(index), rows=row)
        [problem] = _problems(root)["lint"]
        assert problem.startswith(f"entry point `{entry_point}`")
        assert why in problem


def test_a_session_running_two_commands_fails(tmp_path: Path) -> None:
    noxfile = PLANTED_NOXFILE.replace(
        '    session.run("ruff", "check"',
        '    session.run("ruff", "format", "--check")\n    session.run("ruff", "check"',
    )
    assert _problems(_project(tmp_path, noxfile))["lint"] == [
        "runs 2 commands (`session.run`), not one",
        "its statements call ['install', 'session.run', 'session.run'], "
        "not install then session.run",
        "CLI verb `ruff check` does not start its command `ruff format --check`",  # the first
    ]


def test_a_body_with_a_branch_or_another_session_call_fails(tmp_path: Path) -> None:
    noxfile = PLANTED_NOXFILE.replace(
        '    install(session, "lint")\n',
        '    if session.posargs:\n        session.error("no")\n    install(session, "lint")\n',
    )
    assert _problems(_project(tmp_path, noxfile))["lint"] == [
        "line 12: a `If` statement",
        "calls `session.error`",
    ]


def test_a_row_whose_verb_workflows_or_entry_point_disagree_fails(tmp_path: Path) -> None:
    row = PLANTED_ROW.replace("ruff.__main__:find_ruff_bin", "mypy.__main__:console_entry")
    row = row.replace("`ruff check`", "`ruff format`").replace("`q.yml`", "`q.yml`, `x.yml`")
    problems = _problems(_project(tmp_path, rows=row))["lint"]
    assert problems == [
        "CLI verb `ruff format` does not start its command `ruff check`",
        "workflows ['q.yml', 'x.yml'], but ['q.yml'] run it",
    ], "ruff has no console-script entry point to compare; mypy's imports"
    python_m = PLANTED_NOXFILE.replace('"ruff", "check"', '"python", "-m", "json.tool"')
    row = PLANTED_ROW.replace("`ruff check`", "`python -m json.tool`")
    [problem] = _problems(_project(tmp_path / "m", python_m, row))["lint"]
    assert problem == "entry point `ruff.__main__:find_ruff_bin` but the command runs `json.tool`"


def test_a_row_naming_no_session_fails(tmp_path: Path) -> None:
    stale = PLANTED_ROW.replace("`lint`", "`lint-old`")
    problems = _problems(_project(tmp_path, rows=f"{PLANTED_ROW}\n{stale}"))
    assert problems == {"lint": [], "lint-old": ["a row of the gate table names no nox session"]}
