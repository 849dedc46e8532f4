"""The README's session table is exactly what `nox --list --json` reports."""

from __future__ import annotations

import re

from ...common.repository_files import REPO_ROOT
from .nox_listing import nox_list

_ROW = re.compile(r"^\| `(?P<name>[^`]+)` \| (?P<tags>[^|]*) \| (?P<description>.*) \|$")


def _readme_rows() -> set[tuple[str, str, str]]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- sessions:start -->")[1].split("<!-- sessions:end -->")[0]
    rows = {
        (m["name"], m["tags"].strip(), m["description"])
        for m in map(_ROW.match, table.splitlines())
        if m
    }
    assert rows, "README.md has no session table between the sessions markers"
    return rows


def _nox_rows() -> set[tuple[str, str, str]]:
    # `-k True` selects every session, default or not.
    return {
        (entry["session"], ", ".join(entry["tags"]), entry["description"])
        for entry in nox_list("-k", "True")
    }


def test_readme_session_table_matches_nox_list() -> None:
    readme, nox = _readme_rows(), _nox_rows()
    assert readme - nox == set(), "in README.md but not in `nox -l`"
    assert nox - readme == set(), "in `nox -l` but not in README.md"
