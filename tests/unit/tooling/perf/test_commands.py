"""The perf commands' usage errors: exit 2 with one line naming the input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ..conftest import RunTooling

pytestmark = pytest.mark.smoke  # starts real processes


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    for args in (("init", "-q", "-b", "trunk"), ("commit", "-q", "--allow-empty", "-m", "one")):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=root,
            check=True,
        )
    return root


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold", "0"], "--threshold: must be in (0, 10)"),
        (["--confidence", "1"], "--confidence: must be in [0.5, 1)"),
        (["--rounds", "5"], "--rounds: must be in [6, 1000]"),
        (["--against", "no-such-ref"], "fetch-depth: 0"),
        ([], "no main branch and no commit in baseline.json"),
    ],
)
def test_perf_regression_usage_errors(
    tmp_path: Path, run_tooling: RunTooling, args: list[str], message: str
) -> None:
    root = _repo(tmp_path)
    done = run_tooling("perf-regression", "--root", root, "--output", tmp_path / "r.json", *args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r.json").exists()


def test_perf_baseline_refuses_uncommitted_changes(tmp_path: Path, run_tooling: RunTooling) -> None:
    root = _repo(tmp_path)
    (root / "tracked.txt").write_text("one", encoding="utf-8")
    subprocess.run(["git", "add", "tracked.txt"], cwd=root, check=True)
    done = run_tooling("perf-baseline", "--root", root)
    assert done.returncode == 2
    assert "uncommitted changes" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_perf_error_rates_needs_a_pool_as_large_as_a_gate_run(
    tmp_path: Path, run_tooling: RunTooling
) -> None:
    done = run_tooling("perf-error-rates", "--root", _repo(tmp_path), "--pool-rounds", "19")
    assert done.returncode == 2
    assert "--pool-rounds: must be at least --rounds (20)" in done.stderr
