"""tta_process_support is the bottom layer: every module imports the standard library or
the package itself, nothing else (its pyproject.toml lists no dependency)."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import tta_process_support

PACKAGE = Path(tta_process_support.__file__).parent


def _imported(source: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.partition(".")[0])
    return found


def test_every_module_imports_only_the_standard_library_and_itself() -> None:
    allowed = {*sys.stdlib_module_names, "__future__", "tta_process_support"}
    outside = {
        f"{path.name}: {name}"
        for path in sorted(PACKAGE.glob("*.py"))
        for name in _imported(path.read_text(encoding="utf-8"))
        if name not in allowed
    }
    assert outside == set()


def test_the_distribution_declares_no_dependency() -> None:
    manifest = PACKAGE.parents[1] / "pyproject.toml"
    assert tomllib.loads(manifest.read_text(encoding="utf-8"))["project"]["dependencies"] == []


def test_a_planted_third_party_import_is_seen() -> None:
    assert _imported("import psutil\nfrom yaml import safe_load\nfrom . import x\n") == {
        "psutil",
        "yaml",
    }
