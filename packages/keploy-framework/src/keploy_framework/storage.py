"""Keploy's on-disk layout: ``<dir>/test-set-N/tests/*.yaml``, ``mocks.yaml``, ``reports/``."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tta_process_support.atomic import write_text_atomically
from tta_process_support.input_files import read_input

from keploy_framework import yamlio
from keploy_framework.errors import InputError
from keploy_framework.testcase import TestCase, parse_test_case

__all__ = [
    "TestSet",
    "case_path",
    "latest_run_dir",
    "list_test_sets",
    "new_run_dir",
    "new_test_set_dir",
    "read_test_set",
    "run_dir_written_whole",
    "write_test_case",
]

_NUMBERED = re.compile(r"^(?P<stem>.*?)(?P<number>\d+)$")
_CASE_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class TestSet:
    """One test set: its cases in name order and its mocks.yaml text, kept verbatim."""

    __test__ = False  # not a pytest class

    name: str
    path: Path
    cases: list[TestCase] = field(default_factory=list)
    mocks: str | None = None


def _natural(path: Path) -> tuple[str, int, str]:
    match = _NUMBERED.match(path.stem)
    if match is None:
        return (path.stem, -1, path.name)
    return (match["stem"], int(match["number"]), path.name)


def list_test_sets(test_dir: Path, selected: list[str] | None = None) -> list[Path]:
    """The ``test-set-*`` folders of ``test_dir`` in numeric order, or just ``selected``."""
    if not test_dir.is_dir():
        raise InputError(test_dir, "test directory does not exist")
    sets = sorted(
        (p for p in test_dir.iterdir() if p.is_dir() and (p / "tests").is_dir()), key=_natural
    )
    if selected:
        known = {p.name: p for p in sets}
        missing = [name for name in selected if name not in known]
        if missing:
            raise InputError(test_dir, f"--test-sets: no test set named {missing[0]!r}")
        return [known[name] for name in selected]
    return sets


def read_test_set(path: Path) -> TestSet:
    """Every case of a test set (YAML, or JSON storage) and its mocks, validated."""
    tests = path / "tests"
    files = sorted(
        (p for p in tests.iterdir() if p.suffix in _CASE_SUFFIXES and not p.name.startswith(".")),
        key=_natural,
    )
    cases = [parse_test_case(yamlio.read_document(file), file) for file in files]
    mocks = next(
        (
            read_input(path / name)
            for name in ("mocks.yaml", "mocks.yml")
            if (path / name).is_file()
        ),
        None,
    )
    return TestSet(name=path.name, path=path, cases=cases, mocks=mocks)


def case_path(set_dir: Path, name: str) -> Path:
    """Where a case named ``name`` is stored."""
    return set_dir / "tests" / f"{name}.yaml"


def write_test_case(set_dir: Path, case: TestCase) -> Path:
    """Write one case atomically; returns its path."""
    target = case_path(set_dir, case.name)
    write_text_atomically(target, yamlio.dump(case.to_document()))
    return target


def _next_numbered(parent: Path, prefix: str) -> Path:
    numbers = [
        int(p.name[len(prefix) :])
        for p in parent.glob(f"{prefix}*")
        if p.name[len(prefix) :].isdigit()
    ]
    return parent / f"{prefix}{max(numbers, default=-1) + 1}"


def new_test_set_dir(test_dir: Path) -> Path:
    """A fresh ``test-set-N`` folder (N one past the highest present)."""
    test_dir.mkdir(parents=True, exist_ok=True)
    target = _next_numbered(test_dir, "test-set-")
    (target / "tests").mkdir(parents=True)
    return target


def new_run_dir(reports_dir: Path) -> Path:
    """A fresh ``test-run-N`` folder under ``reports_dir``."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    target = _next_numbered(reports_dir, "test-run-")
    target.mkdir()
    return target


@contextmanager
def run_dir_written_whole(reports_dir: Path) -> Iterator[Path]:
    """A fresh ``test-run-N`` folder for the block's writes; removed if the block fails
    (a full disk, a signal), so the latest run that ``report`` reads is never half written."""
    run_dir = new_run_dir(reports_dir)
    try:
        yield run_dir
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise


def latest_run_dir(reports_dir: Path) -> Path:
    """The highest-numbered ``test-run-N`` folder."""
    runs = [p for p in reports_dir.glob("test-run-*") if p.is_dir() and p.name[9:].isdigit()]
    if not runs:
        raise InputError(reports_dir, "no test-run-N folder with reports")
    return max(runs, key=lambda p: int(p.name[9:]))
