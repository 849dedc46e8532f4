"""The coverage exclusions drop only what they mean to (checked with coverage's own matching)."""

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).parents[3] / "pyproject.toml"
PATTERNS = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["coverage"]["report"][
    "exclude_also"
]


def _excluded(line: str) -> bool:
    # coverage.py joins the patterns with "|" and re.search()es each source line
    return re.search("|".join(f"(?:{pattern})" for pattern in PATTERNS), line) is not None


def test_a_bare_ellipsis_line_is_excluded():
    assert _excluded("...")
    assert _excluded("        ...")
    assert _excluded("    ...  ")


def test_ellipsis_inside_code_is_measured():
    """Regression: the pattern matched every tuple[X, ...] annotation, dropping whole
    functions (their def line) from the measurement."""
    assert not _excluded("def steps(self) -> tuple[WorkflowPrimitive[Any, Any], ...]:")
    assert not _excluded("        self._branches: tuple[WorkflowPrimitive[TIn, TOut], ...] = x")
    assert not _excluded('    print("loading...")')
    assert not _excluded("    def method(self) -> None: ...")
