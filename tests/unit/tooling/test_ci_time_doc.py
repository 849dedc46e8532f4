"""docs/ci-cd.md times every session `.ci/run` runs: adding a session needs a timing row."""

from __future__ import annotations

import re

import pytest

from ...common.repository_files import REPO_ROOT
from .nox_listing import nox_list

_ROW = re.compile(r"^\| `(?P<name>[^`]+)` \|")
# A nox call in .ci/run and the sessions it selects; the ones it names literally (not
# through a variable such as $others) are the words of plain names.
_SELECTION = re.compile(r"\bnox@\S+(?: --report \S+)?(?: --allow-parallel)? -s (?P<names>.+)$")
_NAME = re.compile(r"[\w.-]+")


def _documented_sessions() -> list[str]:
    text = (REPO_ROOT / "docs" / "ci-cd.md").read_text(encoding="utf-8")
    table = text.split("<!-- ci-time:start -->")[1].split("<!-- ci-time:end -->")[0]
    names = [m["name"] for m in map(_ROW.match, table.splitlines()) if m]
    assert names, "docs/ci-cd.md has no timing table between the ci-time markers"
    return names


def _ci_run_sessions() -> set[str]:
    """Default sessions, plus those `.ci/run` names, as nox resolves them."""
    text = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    named = [
        n
        for m in map(_SELECTION.search, text.splitlines())
        if m
        for n in m["names"].split()
        if _NAME.fullmatch(n)
    ]
    assert "e2e" in named, ".ci/run no longer names its non-default sessions literally"
    return {e["session"] for e in nox_list()} | {e["session"] for e in nox_list("-s", *named)}


@pytest.mark.smoke  # lists a noxfile no other test lists: starts nox
def test_ci_time_table_times_every_session_ci_runs() -> None:
    documented, run = _documented_sessions(), _ci_run_sessions()
    assert len(documented) == len(set(documented)), "a session is timed twice"
    assert set(documented) - run == set(), "timed in docs/ci-cd.md but not run by .ci/run"
    assert run - set(documented) == set(), "run by .ci/run but not timed in docs/ci-cd.md"
