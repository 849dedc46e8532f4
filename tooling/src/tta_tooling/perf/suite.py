"""One run of the benchmark suite in a given environment, read from pytest-benchmark's JSON."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tta_tooling.child_lifetime import dies_with_parent
from tta_tooling.errors import InputError

__all__ = ["Measurement", "SuiteError", "child_environment", "read_benchmark_json", "run_suite"]

MARKER = "regression_benchmark"
_RUN_TIMEOUT_SECONDS = 600


class SuiteError(Exception):
    """The benchmark suite did not complete in one environment."""


@dataclass(frozen=True, slots=True)
class Measurement:
    """One benchmark in one run: median seconds per call and per-call p95 (when recorded)."""

    per_call: float
    p95_seconds: float | None
    rounds: int


def _field(entry: Mapping[str, Any], key: str, source: Path) -> Any:
    if key not in entry:
        raise InputError(source, f"benchmark entry lacks {key!r}")
    return entry[key]


def read_benchmark_json(path: Path) -> dict[str, Measurement]:
    """Per-call medians of a pytest-benchmark ``--benchmark-json`` file, keyed by full name."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(path, f"not a pytest-benchmark JSON file: {error}") from error
    entries = document.get("benchmarks") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise InputError(path, "field 'benchmarks' is missing or not a list")
    measurements: dict[str, Measurement] = {}
    for entry in entries:
        name = str(_field(entry, "fullname", path))
        stats = _field(entry, "stats", path)
        extra = entry.get("extra_info") or {}
        calls = extra.get("calls_per_round", 1)
        median = stats.get("median") if isinstance(stats, dict) else None
        if not isinstance(median, int | float) or median <= 0:
            raise InputError(path, f"{name}: field 'stats.median' is not a positive number")
        if not isinstance(calls, int) or calls < 1:
            raise InputError(path, f"{name}: field 'extra_info.calls_per_round' is not >= 1")
        p95 = extra.get("p95_ns")
        measurements[name] = Measurement(
            per_call=median / calls,
            p95_seconds=p95 / 1e9 if isinstance(p95, int | float) else None,
            rounds=int(stats.get("rounds", 0)),
        )
    return measurements


def child_environment() -> dict[str, str]:
    """This environment for a suite run: no coverage, no venv of ours, no step summary.

    The benchmarks' conftest appends its table to ``$GITHUB_STEP_SUMMARY``; the
    perf gates write their own, not one per round.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    for name in ("VIRTUAL_ENV", "GITHUB_STEP_SUMMARY"):
        env.pop(name, None)
    return env


def run_suite(
    python: Path, root: Path, paths: Sequence[str], *, allow_failed_tests: bool = False
) -> dict[str, Measurement]:
    """Run the ``regression_benchmark`` tests under ``paths`` of ``root`` with ``python``.

    With ``allow_failed_tests`` a run where some tests failed (pytest exit 1)
    still counts: the benchmarks that completed are returned.
    """
    with tempfile.TemporaryDirectory(prefix="perf-run-") as scratch:
        output = Path(scratch) / "benchmarks.json"
        env = child_environment()
        try:
            done = subprocess.run(
                [
                    str(python),
                    "-m",
                    "pytest",
                    *paths,
                    "-m",
                    MARKER,
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "-p",
                    "no:anyio",  # unused by the benchmarks; its import is a third of startup
                    "--benchmark-disable-gc",
                    f"--benchmark-json={output}",
                ],
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
                env=env,
                timeout=_RUN_TIMEOUT_SECONDS,
                preexec_fn=dies_with_parent(),
            )
        except subprocess.TimeoutExpired as error:
            raise SuiteError(
                f"{python}: the benchmark run took over {error.timeout:.0f} s"
            ) from error
        accepted = {0, 1} if allow_failed_tests else {0}
        if done.returncode not in accepted or not output.exists():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise SuiteError(f"{python}: pytest exited {done.returncode}\n{tail}")
        return read_benchmark_json(output)
