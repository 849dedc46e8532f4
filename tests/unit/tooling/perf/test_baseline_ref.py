"""Choosing the baseline commit, and the temporary worktree of it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.perf.baseline_ref import baseline_worktree, resolve_baseline

pytestmark = pytest.mark.smoke  # starts real processes


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def _commit(root: Path, text: str) -> str:
    (root / "file.txt").write_text(text, encoding="utf-8")
    _git(root, "add", "file.txt")
    _git(root, "commit", "-q", "-m", text)
    return _git(root, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    _commit(root, "first")
    return root


def _worktrees(root: Path) -> list[str]:
    return [
        line
        for line in _git(root, "worktree", "list", "--porcelain").splitlines()
        if line.startswith("worktree ")
    ]


def test_default_is_the_merge_base_with_main(repo: Path) -> None:
    fork = _git(repo, "rev-parse", "HEAD")
    _git(repo, "switch", "-q", "-c", "feature")
    _commit(repo, "feature work")
    _git(repo, "switch", "-q", "main")
    _commit(repo, "main moved on")
    _git(repo, "switch", "-q", "feature")
    ref = resolve_baseline(repo, None, None)
    assert ref.commit == fork
    assert ref.source == "merge-base with main"


def test_on_main_itself_the_baseline_is_head(repo: Path) -> None:
    assert resolve_baseline(repo, None, None).commit == _git(repo, "rev-parse", "HEAD")


def test_against_wins_and_is_resolved_to_a_commit(repo: Path) -> None:
    first = _git(repo, "rev-parse", "HEAD")
    _commit(repo, "second")
    _git(repo, "tag", "v1", first)
    ref = resolve_baseline(repo, "v1", "0" * 40)
    assert (ref.commit, ref.source) == (first, "--against v1")


def test_without_main_the_recorded_commit_is_used(repo: Path) -> None:
    recorded = _git(repo, "rev-parse", "HEAD")
    _git(repo, "branch", "-q", "-m", "main", "trunk")
    _commit(repo, "second")
    ref = resolve_baseline(repo, None, recorded)
    assert (ref.commit, ref.source) == (recorded, "commit in baseline.json")


@pytest.mark.parametrize(
    ("against", "recorded"),
    [
        ("no-such-ref", None),
        (None, "1234567890abcdef1234567890abcdef12345678"),  # pragma: allowlist secret
        (None, None),
    ],  # pragma: allowlist secret
)
def test_a_missing_ref_asks_for_the_full_history(
    repo: Path, against: str | None, recorded: str | None
) -> None:
    _git(repo, "branch", "-q", "-m", "main", "trunk")
    with pytest.raises(InputError, match="fetch-depth: 0"):
        resolve_baseline(repo, against, recorded)


def test_outside_a_git_repository_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a git repository"):
        resolve_baseline(tmp_path, None, None)


def test_the_worktree_holds_the_commit_and_is_removed_even_on_error(repo: Path) -> None:
    first = _git(repo, "rev-parse", "HEAD")
    _commit(repo, "second")
    seen: list[tuple[Path, str, int]] = []

    def interrupted() -> None:
        with baseline_worktree(repo, first) as tree:
            seen.append(
                (tree, (tree / "file.txt").read_text(encoding="utf-8"), len(_worktrees(repo)))
            )
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    ((tree, text, count),) = seen
    assert (text, count) == ("first", 2)
    assert not tree.exists()
    assert len(_worktrees(repo)) == 1
