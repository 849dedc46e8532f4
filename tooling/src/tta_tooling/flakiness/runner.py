"""Run pytest N times, each in a fresh random order (pytest-randomly, recorded seed)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.flakiness.analysis import Run
from tta_tooling.flakiness.junit import read_outcomes

__all__ = ["new_seed", "run_once"]

# pytest exit codes that still mean "the tests ran": all passed, some failed.
_RAN = (0, 1)


def new_seed() -> int:
    """A fresh seed for pytest-randomly (recorded so a failing order can be replayed)."""
    return int.from_bytes(os.urandom(4), "big")


def run_once(pytest_args: Sequence[str], seed: int) -> Run:
    """One pytest run in the order ``seed`` gives; a run that did not test is InputError."""
    with tempfile.TemporaryDirectory(prefix="tta-flakiness-") as scratch:
        report = Path(scratch) / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "randomly",
            f"--randomly-seed={seed}",
            f"--junitxml={report}",
            "-q",
            *pytest_args,
        ]
        done = subprocess.run(command, check=False)
        if done.returncode not in _RAN:
            raise InputError(
                " ".join(pytest_args) or "pytest",
                f"pytest exited {done.returncode} (seed {seed}): no tests ran or they could not"
                " be collected; is pytest-randomly installed?",
            )
        return Run(seed, read_outcomes(report))
