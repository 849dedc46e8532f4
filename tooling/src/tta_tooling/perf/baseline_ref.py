"""Which commit the current tree is compared with, and a temporary worktree of it."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tta_tooling.child_lifetime import dies_with_parent
from tta_tooling.errors import InputError

__all__ = ["BaselineRef", "baseline_worktree", "resolve_baseline"]

MAIN_BRANCHES = ("main", "origin/main")
_FULL_HISTORY = (
    "fetch the full history (git fetch --unshallow, or actions/checkout with fetch-depth: 0)"
)


@dataclass(frozen=True, slots=True)
class BaselineRef:
    """A commit and how it was chosen (``--against``, merge-base or baseline.json)."""

    commit: str
    source: str


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=dies_with_parent(),
    )


def _commit_of(root: Path, ref: str) -> str | None:
    done = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return done.stdout.strip() if done.returncode == 0 else None


def resolve_baseline(root: Path, against: str | None, recorded_commit: str | None) -> BaselineRef:
    """``against`` if given, else the merge-base with main, else baseline.json's commit."""
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise InputError(root, "not a git repository; the gate compares against a commit")
    if against is not None:
        commit = _commit_of(root, against)
        if commit is None:
            raise InputError(root, f"--against {against}: no such commit here; {_FULL_HISTORY}")
        return BaselineRef(commit, f"--against {against}")
    for branch in MAIN_BRANCHES:
        if _commit_of(root, branch) is None:
            continue
        done = _git(root, "merge-base", "HEAD", branch)
        if done.returncode == 0:
            return BaselineRef(done.stdout.strip(), f"merge-base with {branch}")
    if recorded_commit is None:
        raise InputError(
            root, f"no main branch and no commit in baseline.json to compare with; {_FULL_HISTORY}"
        )
    commit = _commit_of(root, recorded_commit)
    if commit is None:
        raise InputError(
            root, f"baseline.json commit {recorded_commit} is not in this clone; {_FULL_HISTORY}"
        )
    return BaselineRef(commit, "commit in baseline.json")


@contextlib.contextmanager
def baseline_worktree(root: Path, commit: str, parent: Path | None = None) -> Iterator[Path]:
    """A detached ``git worktree`` of ``commit`` in a new directory under ``parent``,
    removed on exit, error or interruption (and, after a SIGKILL, by the next run's
    sweep of ``parent`` and the ``git worktree prune`` here)."""
    _git(root, "worktree", "prune")
    with tempfile.TemporaryDirectory(prefix="perf-baseline-", dir=parent) as scratch:
        tree = Path(scratch) / "tree"
        done = _git(root, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        if done.returncode != 0:
            raise InputError(root, f"git worktree add {commit}: {done.stderr.strip()}")
        try:
            yield tree
        finally:
            _git(root, "worktree", "remove", "--force", str(tree))
            _git(root, "worktree", "prune")
