"""The benchmarks session's table: each benchmark's median and the figures it reports.

Reads a pytest-benchmark JSON file (``--benchmark-json``). Each benchmark asserts
its own ratio against a floor measured in the same run; this only lays out what
they measured (their ``extra_info``: ratios, targets, rates) for people and for
the GitHub step summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError
from tta_tooling.json_fields import json_object, json_seconds, json_string
from tta_tooling.reporting import append_step_summary, markdown_table
from tta_tooling.text_files import read_json

__all__ = ["BenchmarkRow", "read_benchmarks", "render_markdown", "render_text", "summarize"]

_HEADER = ("benchmark", "group", "median", "measured")


@dataclass(frozen=True)
class BenchmarkRow:
    """One benchmark: its name, group, median seconds and reported figures."""

    name: str
    group: str
    median_seconds: float
    figures: tuple[tuple[str, object], ...]

    def cells(self) -> tuple[str, str, str, str]:
        """The row as table cells."""
        figures = ", ".join(f"{key}={value}" for key, value in self.figures)
        return (self.name, self.group, _duration(self.median_seconds), figures)


def read_benchmarks(path: Path) -> list[BenchmarkRow]:
    """The benchmarks of a pytest-benchmark JSON file, in file order."""
    document = read_json(path)
    benchmarks = document.get("benchmarks") if isinstance(document, dict) else None
    if not isinstance(benchmarks, list):
        raise InputError(path, "field 'benchmarks' must be a list")
    return [_row(path, index, entry) for index, entry in enumerate(benchmarks)]


def _row(path: Path, index: int, entry: Any) -> BenchmarkRow:
    where = f"benchmarks[{index}]"
    fields = json_object(path, where, entry)
    name = json_string(path, f"{where}.name", fields.get("name"))
    stats = fields.get("stats")
    median = stats.get("median") if isinstance(stats, dict) else None
    median_seconds = json_seconds(path, f"{where}.stats.median", median)
    extra = json_object(path, f"{where}.extra_info", fields.get("extra_info", {}))
    group = fields.get("group")
    return BenchmarkRow(
        name=name,
        group=group if isinstance(group, str) else "",
        median_seconds=median_seconds,
        figures=tuple((str(key), value) for key, value in extra.items()),
    )


def _duration(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.1f} µs"


def render_text(rows: list[BenchmarkRow]) -> str:
    """One line per benchmark, for the console."""
    return "\n".join(
        f"{name} [{group}]: median {median}; {figures}"
        for name, group, median, figures in (row.cells() for row in rows)
    )


def render_markdown(rows: list[BenchmarkRow], source: Path) -> str:
    """The step-summary section: a heading, the table and where it came from."""
    table = markdown_table(_HEADER, [row.cells() for row in rows])
    return f"### Benchmarks\n\n{table}\n\nFrom `{source}`; each benchmark asserts its ratio."


def summarize(path: Path) -> str:
    """The console table of ``path``; the markdown one goes to the step summary, if set.

    ``tta-tooling benchmark-summary`` prints it; the benchmarks session's pytest prints
    it at the end of its run (``tests/performance/conftest.py``), also after a failure.
    """
    rows = read_benchmarks(path)
    append_step_summary(render_markdown(rows, path))
    return render_text(rows)
