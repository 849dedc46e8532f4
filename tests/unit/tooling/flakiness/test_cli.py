"""``tta-tooling flakiness`` running real pytest in random order on planted suites."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from tta_tooling.flakiness import commands

from ..conftest import run_in_process

pytestmark = pytest.mark.smoke  # starts real processes

Flakiness = Callable[..., subprocess.CompletedProcess[str]]

ORDER_DEPENDENT = """
STATE = []


def test_sets_state():
    STATE.append(1)


def test_needs_state_set_first():
    assert STATE
"""

STABLE = """
import pytest


@pytest.mark.parametrize("n", [1, 2])
def test_stable(n):
    assert n > 0
"""


# pytest-randomly orders the two planted tests as written with seed 1, reversed with seed 2.
IN_ORDER, REVERSED = 1, 2


@pytest.fixture
def flakiness(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``tta-tooling flakiness`` in-process in ``tmp_path``; its pytest runs are real children.

    The children load no plugin but the ``-p randomly`` the command names: the
    planted suites need none, and the environment's others (Hypothesis,
    schemathesis...) take four of every child's five seconds of start-up.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")

    def run(
        *args: str, seeds: Sequence[int] = (IN_ORDER, REVERSED)
    ) -> subprocess.CompletedProcess[str]:
        monkeypatch.setattr(commands, "new_seed", iter(seeds).__next__)
        return run_in_process("flakiness", *args)

    return run


def test_an_order_dependent_test_is_caught(tmp_path: Path, flakiness: Flakiness) -> None:
    (tmp_path / "test_order_planted.py").write_text(ORDER_DEPENDENT, encoding="utf-8")
    result = tmp_path / "out/flakiness.json"
    seeds = [IN_ORDER, REVERSED]  # the fewest runs in which one test changes outcome
    done = flakiness("--runs=2", f"--json={result}", "test_order_planted.py", seeds=seeds)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "flaky: test_order_planted::test_needs_state_set_first" in done.stdout
    report = json.loads(result.read_text(encoding="utf-8"))
    assert report["runs"] == 2
    assert report["seeds"] == seeds
    assert report["tests"] == 2
    assert report["flake_rate_percent"] == 50.0
    (failing,) = report["failing"]
    assert failing["test"] == "test_order_planted::test_needs_state_set_first"
    assert failing["failures"] == 1
    assert [p.name for p in result.parent.iterdir()] == ["flakiness.json"]


def test_a_stable_suite_passes_with_a_zero_flake_rate(tmp_path: Path, flakiness: Flakiness) -> None:
    (tmp_path / "test_stable_planted.py").write_text(STABLE, encoding="utf-8")
    done = flakiness("--runs=2", "test_stable_planted.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 of 2 tests changed outcome over 2 randomized runs (flake rate 0.00 %" in done.stdout


def test_a_test_failing_every_time_is_red_but_not_flaky(
    tmp_path: Path, flakiness: Flakiness
) -> None:
    (tmp_path / "test_broken_planted.py").write_text(
        "def test_broken():\n    assert False\n", encoding="utf-8"
    )
    done = flakiness("--runs=2", "test_broken_planted.py")
    assert done.returncode == 1
    assert "failing in every run: test_broken_planted::test_broken" in done.stdout
    assert "flaky:" not in done.stdout


def test_nothing_collected_exits_2_in_one_line(tmp_path: Path, flakiness: Flakiness) -> None:
    done = flakiness("--runs=2", "no_such_dir")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith("error: no_such_dir: pytest exited 4")


def test_fewer_than_two_runs_is_a_usage_error(tmp_path: Path, flakiness: Flakiness) -> None:
    done = flakiness("--runs=1")
    assert done.returncode == 2
    assert "expected a whole number >= 2" in done.stderr
