"""Run the efficiency rules on a snippet written into a throw-away repository."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from textwrap import dedent

import pytest
from tta_tooling.efficiency import load_config, scan

Check = Callable[..., list[int]]

EXPECT = "# expect"


def expected_lines(source: str) -> list[int]:
    """The lines of ``source`` (as written by ``check``) marked ``# expect``."""
    return [n for n, line in enumerate(dedent(source).splitlines(), 1) if EXPECT in line]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty repository whose efficiency gate scans ``pkg/``."""
    (tmp_path / "pyproject.toml").write_text('[tool.tta.efficiency]\npaths = ["pkg"]\n')
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    return tmp_path


@pytest.fixture
def check(repo: Path) -> Check:
    """``check(source, code)``: the lines where rule ``code`` fires on ``source``."""

    def run(source: str, code: str, *, files: dict[str, str] | None = None) -> list[int]:
        (repo / "pkg" / "mod.py").write_text(dedent(source))
        for name, text in (files or {}).items():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            (repo / name).write_text(dedent(text))
        result = scan(repo, load_config(repo))
        return [v.line for v in result.violations if v.code == code and v.file == "pkg/mod.py"]

    return run
