"""Wall time of a CI run, from ``nox --report`` files, against a time budget.

nox writes ``{"result": ..., "sessions": [{"name", "signatures", "result",
"duration", ...}]}``; ``duration`` is the session's wall time in seconds. A
session's result is shown, not judged: nox itself exits non-zero for a failed
session. Only the budget is a verdict of this module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.json_fields import json_object, json_seconds, json_string
from tta_tooling.reporting import markdown_table
from tta_tooling.text_files import read_json

__all__ = [
    "CiTime",
    "Timing",
    "load_report",
    "markdown_summary",
    "measure_run",
    "parse_budget",
    "parse_seconds",
    "parse_step",
    "render_table",
    "verdict",
]

_HEADER = ("session", "result", "seconds", "min:ss", "share")


@dataclass(frozen=True, slots=True)
class Timing:
    """The wall time of one nox session, or of a step timed outside nox (``--step``)."""

    name: str
    result: str
    seconds: float


@dataclass(frozen=True, slots=True)
class CiTime:
    """Every timing of a run, the run's measured wall time and its budget (when given)."""

    timings: tuple[Timing, ...]
    total_seconds: float | None = None
    budget_minutes: float | None = None
    objective_minutes: float | None = None
    """A target reported beside the verdict (met or missed by how much), never a verdict."""

    @property
    def sum_seconds(self) -> float:
        """The sum of the sessions' and steps' wall times."""
        return math.fsum(t.seconds for t in self.timings)

    @property
    def wall_seconds(self) -> float:
        """The measured total when given (it includes what ran between nox calls), else the sum."""
        return self.sum_seconds if self.total_seconds is None else self.total_seconds

    @property
    def over_budget(self) -> bool:
        """Whether the wall time exceeds the budget (never, without a budget)."""
        return self.budget_minutes is not None and self.wall_seconds > self.budget_minutes * 60


def measure_run(
    reports: Sequence[Path],
    steps: Sequence[str],
    total_seconds: str | None = None,
    budget_minutes: str | None = None,
    objective_minutes: str | None = None,
) -> CiTime:
    """A run from its report files, its ``NAME=SECONDS`` steps, total, budget and objective."""
    timings = [t for path in reports for t in load_report(path)]
    timings += map(parse_step, steps)
    if not timings:
        raise InputError("ci-time", "nothing to time: give a `nox --report` file or a --step")
    return CiTime(
        tuple(timings),
        None if total_seconds is None else parse_seconds("--total-seconds", total_seconds),
        None if budget_minutes is None else parse_budget(budget_minutes),
        None
        if objective_minutes is None
        else parse_budget(objective_minutes, option="--objective-minutes"),
    )


def load_report(path: Path) -> list[Timing]:
    """The sessions of one ``nox --report`` file, in the order nox ran them."""
    report = read_json(path)
    sessions = report.get("sessions") if isinstance(report, dict) else None
    if not isinstance(sessions, list):
        raise InputError(path, "field 'sessions' is missing: not a `nox --report` file")
    return [_timing(path, f"sessions[{i}]", entry) for i, entry in enumerate(sessions)]


def parse_seconds(option: str, text: str) -> float:
    """A finite, non-negative number of seconds given to ``option``."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise InputError(option, f"expected a finite number of seconds >= 0, got {text!r}")
    return seconds


def parse_step(text: str) -> Timing:
    """A ``NAME=SECONDS`` step timed outside nox (a nox call that writes no report)."""
    name, equals, seconds = text.rpartition("=")
    if not equals or not name.strip():
        raise InputError("--step", f"expected NAME=SECONDS, got {text!r}")
    return Timing(name.strip(), "step", parse_seconds("--step", seconds))


def parse_budget(text: str, option: str = "--budget-minutes") -> float:
    """A finite, positive number of minutes given to ``option``."""
    try:
        minutes = float(text)
    except ValueError:
        minutes = math.nan
    if not math.isfinite(minutes) or minutes <= 0:
        raise InputError(option, f"expected a finite number > 0, got {text!r}")
    return minutes


def render_table(run: CiTime) -> str:
    """The timings, their sum, the total and the verdict, as aligned text."""
    rows = [_HEADER, *_rows(run)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    table = "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
    return f"{table}\n{verdict(run)}"


def markdown_summary(run: CiTime) -> str:
    """The same table as markdown, for the GitHub Actions step summary."""
    table = markdown_table(_HEADER, _rows(run))
    return f"### CI time\n\n{table}\n\n{verdict(run)}"


def verdict(run: CiTime) -> str:
    """The wall time against the budget, then the objective and any overlap, as notes."""
    notes = ""
    if run.objective_minutes is not None:
        target = run.objective_minutes * 60
        met = "met" if run.wall_seconds <= target else "missed"
        gap = _clock(abs(run.wall_seconds - target))
        notes += f"\nobjective {run.objective_minutes:g} minutes: {met} by {gap}"
    if run.total_seconds is not None and run.sum_seconds > run.total_seconds:
        notes += (
            "\nnote: the timings add up to more than the total: they overlapped (parallel "
            "sessions) or a report is not from this run"
        )
    if run.budget_minutes is None:
        return f"wall time {_clock(run.wall_seconds)}, no budget given{notes}"
    budget = f"the {run.budget_minutes:g}-minute budget"
    if run.over_budget:
        excess = run.wall_seconds - run.budget_minutes * 60
        clock = _clock(run.wall_seconds)
        return f"FAIL wall time {clock} exceeds {budget} by {_clock(excess)}{notes}"
    return f"ok wall time {_clock(run.wall_seconds)} is within {budget}{notes}"


def _rows(run: CiTime) -> list[tuple[str, str, str, str, str]]:
    wall = run.wall_seconds
    rows = [_row(t.name, t.result, t.seconds, wall) for t in run.timings]
    rows.append(_row("sum of the above", "", run.sum_seconds, wall))
    if run.total_seconds is not None:
        outside = run.total_seconds - run.sum_seconds
        if outside >= 0:
            rows.append(_row("outside them (setup, installs)", "", outside, wall))
        rows.append(_row("total wall time", "", run.total_seconds, wall))
    return rows


def _row(name: str, result: str, seconds: float, wall: float) -> tuple[str, str, str, str, str]:
    share = f"{100 * seconds / wall:.1f}%" if wall > 0 else "-"
    return (name, result, f"{seconds:.1f}", _clock(seconds), share)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _timing(path: Path, where: str, entry: object) -> Timing:
    fields = json_object(path, where, entry)
    name = json_string(path, f"{where}.name", fields.get("name"))
    result = json_string(path, f"{where}.result", fields.get("result"), empty=True)
    duration = json_seconds(path, f"{where}.duration", fields.get("duration"))
    return Timing(_friendly_name(name, fields.get("signatures")), result, duration)


def _friendly_name(name: str, signatures: object) -> str:
    # A parametrized session reports its base name; its first signature says which one
    # (`tests-3.12`), as nox's own summary does.
    if isinstance(signatures, list) and signatures and isinstance(signatures[0], str):
        return signatures[0]
    return name
