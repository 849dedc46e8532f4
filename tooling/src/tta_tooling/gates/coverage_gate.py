"""Per-package coverage thresholds, from each package's maturity stage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError
from tta_tooling.gates.packages_config import WorkspacePackage, workspace_packages
from tta_tooling.reporting import markdown_table
from tta_tooling.text_files import read_json

_COUNTS = ("covered_lines", "num_statements", "covered_branches", "num_branches")


@dataclass(frozen=True, slots=True)
class PackageCoverage:
    """What one package measured against what its stage requires."""

    package: WorkspacePackage
    covered: int
    total: int

    @property
    def percent(self) -> float:
        """Lines and branches covered, as coverage.py counts them."""
        return 100.0 * self.covered / self.total if self.total else 0.0

    @property
    def passed(self) -> bool:
        """Whether the package meets its threshold (no measured code never passes)."""
        return self.total > 0 and self.percent >= self.package.threshold


def measure(root: Path, coverage_json: Path) -> list[PackageCoverage]:
    """Coverage of every workspace package, from a ``coverage json`` report."""
    files = _load_report(coverage_json)
    results = []
    for package in workspace_packages(root):
        source = package.source_dir.resolve()
        covered = total = 0
        for filename, data in files.items():
            path = Path(filename)
            path = path if path.is_absolute() else root / path
            if path.resolve().is_relative_to(source):
                summary = data["summary"]
                covered += summary["covered_lines"] + summary.get("covered_branches", 0)
                total += summary["num_statements"] + summary.get("num_branches", 0)
        results.append(PackageCoverage(package, covered, total))
    return results


_HEADER = ("package", "stage", "threshold", "measured", "result")


def render_table(results: list[PackageCoverage]) -> str:
    """A package / stage / threshold / measured table."""
    rows = [_HEADER, *map(_row, results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def markdown_summary(results: list[PackageCoverage]) -> str:
    """The same table as markdown, for the GitHub Actions step summary."""
    return "### Coverage by package\n\n" + markdown_table(_HEADER, [_row(r) for r in results])


def _row(result: PackageCoverage) -> tuple[str, str, str, str, str]:
    package = result.package
    measured = f"{result.percent:.1f}%" if result.total else "no data"
    verdict = "ok" if result.passed else "FAIL"
    return (package.name, package.stage, f"{package.threshold:.0f}%", measured, verdict)


def _load_report(path: Path) -> dict[str, Any]:
    report = read_json(path)
    files = report.get("files") if isinstance(report, dict) else None
    if not isinstance(files, dict):
        raise InputError(path, "field 'files' is missing: not a `coverage json` report")
    for name, data in files.items():
        summary = data.get("summary") if isinstance(data, dict) else None
        if (
            not isinstance(summary, dict)
            or not all(_is_count(summary.get(key, 0)) for key in _COUNTS)
            or not {"num_statements", "covered_lines"} <= summary.keys()
        ):
            raise InputError(path, f"field 'files.{name}.summary' is missing or incomplete")
    return files


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
