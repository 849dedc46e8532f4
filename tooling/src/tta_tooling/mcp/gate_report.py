"""``gate_report``: the last machine-readable results the gates wrote, and what is absent.

Read, never produced here: coverage (``nox -s coverage`` writes
``.nox/coverage-data/coverage.json``), benchmarks (``nox -s benchmarks`` writes
``.github/benchmarks/latest.json``) and API replay reports (``nox -s api`` writes
Keploy's ``.nox/reports/api/test-run-N/*-report.yaml`` and ``keploy-coverage.json``).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from tta_tooling.reporting import markdown_table

COVERAGE_JSON = Path(".nox/coverage-data/coverage.json")
BENCHMARK_DIR = Path(".github/benchmarks")
BENCHMARK_FILES = "latest*.json"
REPLAY_REPORTS = Path(".nox/reports/api")
KEPLOY_COVERAGE = (".nox/reports/api/keploy-coverage.json", "keploy-coverage.json")
_RUN_NUMBER = re.compile(r"^test-run-(\d+)$")


def gate_report(root: Path) -> dict[str, Any]:
    """One section per kind of result: its data and file, or why it is absent."""
    return {
        "coverage": _section(root, COVERAGE_JSON, "nox -s coverage", _coverage),
        "benchmarks": _benchmarks(root),
        "api_replay": _replay(root),
    }


def _section(
    root: Path, relative: Path, producer: str, read: Callable[[Path], dict[str, Any]]
) -> dict[str, Any]:
    path = root / relative
    if not path.is_file():
        return _absent(relative, producer)
    try:
        data = read(path)
    except (OSError, ValueError, yaml.YAMLError, AttributeError, KeyError, TypeError) as error:
        return {"status": "unreadable", "file": relative.as_posix(), "error": str(error)}
    # The section's own keys come last: a file's content never overwrites them.
    return {**data, "status": "present", "file": relative.as_posix(), "written": _mtime(path)}


def _absent(relative: Path, producer: str) -> dict[str, Any]:
    return {
        "status": "absent",
        "file": relative.as_posix(),
        "how_to_produce": f"run `{producer}` (for example through run_gate)",
    }


def _mtime(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


def _coverage(path: Path) -> dict[str, Any]:
    report = json.loads(path.read_text(encoding="utf-8"))
    statements: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, entry in report["files"].items():
        parts = Path(name).parts
        package = parts[parts.index("src") + 1] if "src" in parts[:-1] else parts[0]
        statements[package][0] += entry["summary"]["covered_lines"]
        statements[package][1] += entry["summary"]["num_statements"]
    packages = {
        package: round(100.0 * covered / total, 2) if total else 100.0
        for package, (covered, total) in sorted(statements.items())
    }
    return {
        "total_percent": round(report["totals"]["percent_covered"], 2),
        "packages": packages,
        "table": markdown_table(("package", "covered %"), sorted(packages.items())),
    }


def _benchmarks(root: Path) -> dict[str, Any]:
    files = sorted((root / BENCHMARK_DIR).glob(BENCHMARK_FILES))
    if not files:
        return _absent(BENCHMARK_DIR / BENCHMARK_FILES, "nox -s benchmarks")
    return {
        "status": "present",
        "files": [
            _section(root, path.relative_to(root), "nox -s benchmarks", _benchmark_file)
            for path in files
        ],
    }


def _benchmark_file(path: Path) -> dict[str, Any]:
    report = json.loads(path.read_text(encoding="utf-8"))
    return {
        "benchmarks": [
            {
                "name": entry["name"],
                "median_seconds": entry["stats"]["median"],
                "rounds": entry["stats"]["rounds"],
                **({"extra_info": entry["extra_info"]} if entry.get("extra_info") else {}),
            }
            for entry in report["benchmarks"]
        ]
    }


def _replay(root: Path) -> dict[str, Any]:
    runs = [
        (int(m[1]), path)
        for path in (root / REPLAY_REPORTS).glob("test-run-*")
        if path.is_dir() and (m := _RUN_NUMBER.match(path.name))
    ]
    coverage = [
        _section(root, Path(name), "nox -s api", _keploy_coverage)
        for name in KEPLOY_COVERAGE
        if (root / name).is_file()
    ]
    if not runs and not coverage:
        return _absent(REPLAY_REPORTS / "test-run-N", "nox -s api")
    latest = max(runs)[1] if runs else None
    reports = sorted(latest.glob("*-report.yaml")) if latest else []
    return {
        "status": "present",
        "latest_run": latest.relative_to(root).as_posix() if latest else None,
        "test_sets": [
            _section(root, path.relative_to(root), "nox -s api", _replay_report) for path in reports
        ],
        "endpoint_coverage": coverage,
    }


def _keploy_coverage(path: Path) -> dict[str, Any]:
    return {"report": json.loads(path.read_text(encoding="utf-8"))}


def _replay_report(path: Path) -> dict[str, Any]:
    report = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(report, dict):
        raise TypeError(f"a replay report is a mapping, not {type(report).__name__}")
    fields = ("name", "success", "failure", "total")
    summary = {field: report.get(field) for field in fields if field in report}
    if "status" in report:
        summary["report_status"] = report["status"]  # the run's verdict, not the section's
    return summary
