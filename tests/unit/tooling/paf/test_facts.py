"""Parsing PAFCORE.md: well-formed tables, and every malformed one refused with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.paf.facts import parse_facts

from ....common.repository_files import REPO_ROOT

_HEAD = "# Facts\n\n<!-- facts:start -->\n| id | fact | check |\n|---|---|---|\n"
_TAIL = "<!-- facts:end -->\n"


def _pafcore(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "PAFCORE.md"
    path.write_text(_HEAD + "".join(f"{row}\n" for row in rows) + _TAIL, encoding="utf-8")
    return path


def test_the_repository_pafcore_parses_with_ids_checks_and_manual_reasons() -> None:
    facts = parse_facts(REPO_ROOT / "PAFCORE.md")
    by_id = {fact.id: fact for fact in facts}
    assert by_id["ARCH-002"].check == "import-contract:primitives-no-otel"
    assert all(fact.reason for fact in facts if fact.manual)
    assert len(by_id) == len(facts)


def test_the_repository_keeps_the_facts_the_architecture_rests_on() -> None:
    checks = {fact.check for fact in parse_facts(REPO_ROOT / "PAFCORE.md")}
    assert {
        "import-contract:layers",
        "import-contract:primitives-no-otel",
        "import-contract:keploy-independent",
        "import-contract:tooling-independent",
        "import-contract:tooling-families",
        "check-gates",
        "python-versions",
        "package-stages",
    } <= checks
    assert any(check.startswith("module-size:") for check in checks)


def test_a_row_gives_id_sentence_check_and_line(tmp_path: Path) -> None:
    path = _pafcore(
        tmp_path,
        "| ARCH-001 | A \\| B never meet. | `import-contract:layers` |",
        "| DOC-001 | Docs are kind. | manual: taste is not computable |",
    )
    first, second = parse_facts(path)
    assert (first.id, first.statement, first.check, first.line) == (
        "ARCH-001",
        "A | B never meet.",
        "import-contract:layers",
        6,
    )
    assert second.manual
    assert second.reason == "taste is not computable"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            ["| ARCH-001 | One. | `check-gates` |", "| ARCH-001 | Two. | `check-gates` |"],
            ":7: field id: duplicate ARCH-001 (first on line 6)",
        ),
        (["| ARCH-1 | One. | `check-gates` |"], ":6: field id: 'ARCH-1' is not like ARCH-001"),
        (["| ARCH-001 | | `check-gates` |"], ":6: field fact: ARCH-001 has no sentence"),
        (["| ARCH-001 | One. | manual |"], ":6: field check: ARCH-001 is manual but gives no"),
        (["| ARCH-001 | One. | `` |"], ":6: field check: ARCH-001 names no check"),
        (["| ARCH-001 | One. |"], ":6: expected 3 cells (id, fact, check), found 2"),
        (["ARCH-001 One check-gates"], ":6: not a table row"),
        ([], ": no facts between"),
    ],
)
def test_malformed_tables_name_the_line_and_field(
    tmp_path: Path, rows: list[str], expected: str
) -> None:
    with pytest.raises(InputError) as raised:
        parse_facts(_pafcore(tmp_path, *rows))
    assert expected in str(raised.value)


def test_missing_or_doubled_markers_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "PAFCORE.md"
    path.write_text("| ARCH-001 | One. | `check-gates` |\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected exactly one <!-- facts:start --> line, found 0"):
        parse_facts(path)
    path.write_text(_TAIL + _HEAD.replace("# Facts\n\n", ""), encoding="utf-8")
    with pytest.raises(InputError, match="comes before"):
        parse_facts(path)


def test_an_unreadable_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        parse_facts(tmp_path / "PAFCORE.md")
