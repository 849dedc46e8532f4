"""Malformed PAFCORE.md or contracts: exit 2, one line naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ....common.repository_files import plant
from ..conftest import RunTooling


def _input_error(done: object, *expected: str) -> None:
    stderr: str = done.stderr  # type: ignore[attr-defined]
    assert done.returncode == 2, done.stdout + stderr  # type: ignore[attr-defined]
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr
    for text in expected:
        assert text in stderr, stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("`module-size:500`", "`module-size:many`", "field check: SIZE-001 names unknown check"),
        ("| `check-gates` |", "| `run-everything` |", "field check: GATE-001 names unknown check"),
        (
            "`import-contract:layers`",
            "`import-contract:nope`",
            "field check: ARCH-001 names contract 'nope', not in .importlinter",
        ),
        ("| GATE-001 |", "| ARCH-001 |", "field id: duplicate ARCH-001"),
    ],
)
def test_malformed_pafcore(
    paf_copy: Path, run_tooling: RunTooling, old: str, new: str, expected: str
) -> None:
    plant(paf_copy / "PAFCORE.md", old, new)
    _input_error(run_tooling("paf", "--root", paf_copy), "PAFCORE.md:", expected)


def test_a_contract_no_fact_names(paf_copy: Path, run_tooling: RunTooling) -> None:
    with (paf_copy / ".importlinter").open("a", encoding="utf-8") as contracts:
        contracts.write(
            "\n[importlinter:contract:orphan]\nname = orphan\ntype = forbidden\n"
            "source_modules = tta_tooling\nforbidden_modules = redis\n"
        )
    _input_error(
        run_tooling("paf", "--root", paf_copy),
        ".importlinter: contract orphan is named by no fact of PAFCORE.md",
    )


def test_a_contract_of_an_unsupported_type(paf_copy: Path, run_tooling: RunTooling) -> None:
    plant(paf_copy / ".importlinter", "type = forbidden", "type = telepathy")
    _input_error(run_tooling("paf", "--root", paf_copy), ".importlinter: field type of contract")


def test_a_missing_contracts_file(paf_copy: Path, run_tooling: RunTooling) -> None:
    (paf_copy / ".importlinter").unlink()
    _input_error(run_tooling("paf", "--root", paf_copy), ".importlinter: file not found")


def test_a_missing_pafcore(paf_copy: Path, run_tooling: RunTooling) -> None:
    (paf_copy / "PAFCORE.md").unlink()
    _input_error(run_tooling("paf", "--root", paf_copy), "PAFCORE.md: cannot read")


def test_a_contract_about_a_misspelt_package(paf_copy: Path, run_tooling: RunTooling) -> None:
    plant(
        paf_copy / ".importlinter",
        "source_modules = tta_dev_primitives",
        "source_modules = tta_dev_primitve",
    )
    _input_error(
        run_tooling("paf", "--root", paf_copy),
        ".importlinter: field source_modules/modules of contract primitives-no-otel: "
        "tta_dev_primitve not under root_packages",
    )


def test_check_gates_unable_to_read_its_input(paf_copy: Path, run_tooling: RunTooling) -> None:
    (paf_copy / "noxfile.py").unlink()
    _input_error(run_tooling("paf", "--root", paf_copy), "tta-tooling check-gates: exited 2:")
