"""Run reports: Keploy's report YAML per test set, JUnit XML, and the console table."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from tta_process_support.atomic import write_text_atomically

from keploy_framework import yamlio
from keploy_framework.errors import InputError
from keploy_framework.replay import SetResult
from keploy_framework.testcase import API_VERSION

__all__ = [
    "console_table",
    "read_report",
    "set_report",
    "write_junit",
    "write_report",
    "write_set_report",
]


def _test_entry(set_result: SetResult, index: int) -> dict[str, Any]:
    result = set_result.cases[index]
    set_path = set_result.test_set.path.resolve()
    request = result.case.request.to_document()
    actual = result.actual.to_document()
    entry = {
        "kind": "Http",
        "name": set_result.test_set.name,
        "status": "PASSED" if result.passed else "FAILED",
        "started": result.started,
        "completed": result.completed,
        "test_case_path": str(set_path),
        # replay.go: MockPath is filepath.Join(r.config.Path, testSetID, "mocks.yaml").
        "mock_path": str(set_path / "mocks.yaml"),
        "test_case_id": result.case.name,
        "req": request,
        "resp": actual,
        "noise": result.case.noise,
        "result": result.comparison.result,
        "time_taken": result.time_taken,
    }
    if result.comparison.failure_info:  # TestResult.FailureInfo is omitempty
        entry["failure_info"] = result.comparison.failure_info
    return entry


def _risk_counts(set_result: SetResult) -> dict[str, int]:
    """TestReport's high-risk / medium-risk / low-risk counts (omitempty when zero)."""
    counts: dict[str, int] = {}
    for result in set_result.cases:
        risk = str(result.comparison.failure_info.get("risk", "")).lower()
        if not result.passed and risk in ("high", "medium", "low"):
            counts[f"{risk}-risk"] = counts.get(f"{risk}-risk", 0) + 1
    return counts


def set_report(set_result: SetResult) -> dict[str, Any]:
    """Keploy's TestReport document for one test set."""
    name = set_result.test_set.name
    return {
        "version": API_VERSION,
        "name": f"{name}-report",
        "status": "PASSED" if set_result.failed == 0 else "FAILED",
        "success": set_result.passed,
        "failure": set_result.failed,
        **_risk_counts(set_result),
        "ignored": 0,
        "total": len(set_result.cases),
        "tests": [_test_entry(set_result, i) for i in range(len(set_result.cases))],
        "test_set": name,
        "created_at": int(time.time()),
        "time_taken": set_result.time_taken,
    }


def write_report(run_dir: Path, report: dict[str, Any]) -> Path:
    """Write a :func:`set_report` document as ``<run_dir>/<test-set>-report.yaml``."""
    target = run_dir / f"{report['test_set']}-report.yaml"
    write_text_atomically(target, yamlio.dump(report))
    return target


def write_set_report(run_dir: Path, set_result: SetResult) -> Path:
    """``<run_dir>/<test-set>-report.yaml`` in Keploy's TestReport shape."""
    return write_report(run_dir, set_report(set_result))


def read_report(path: Path) -> dict[str, Any]:
    """A report YAML (ours or the Keploy binary's): status, counts and per-test results."""
    document = yamlio.read_document(path)
    if not isinstance(document, dict):
        raise InputError(path, "document: expected a mapping")
    for key in ("success", "failure", "total"):
        if not isinstance(document.get(key), int):
            raise InputError(path, f"{key}: missing required field")
    tests = document.get("tests") or []
    if not isinstance(tests, list):
        raise InputError(path, "tests: expected a list")
    return document


def write_junit(target: Path, results: list[SetResult], name: str = "") -> None:
    """One ``testsuite`` per test set, one ``testcase`` per case, failures with their diffs."""
    suites = ET.Element("testsuites", name=name or "keploy")
    for set_result in results:
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=set_result.test_set.name,
            tests=str(len(set_result.cases)),
            failures=str(set_result.failed),
            errors="0",
            time=set_result.time_taken.removesuffix("s") or "0",
        )
        for result in set_result.cases:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=set_result.test_set.name,
                name=f"{result.case.name} {result.case.request.method} {result.case.request.url}",
                time=result.time_taken.removesuffix("s"),
            )
            if not result.passed:
                failure = ET.SubElement(
                    case, "failure", message=result.comparison.diffs[0][:500], type="mismatch"
                )
                failure.text = "\n".join(result.comparison.diffs)
    ET.indent(suites)
    write_text_atomically(target, ET.tostring(suites, encoding="unicode", xml_declaration=True))


def console_table(results: list[SetResult]) -> str:
    """A per-test table, then each failure's differences."""
    rows = [("test set", "test", "method", "url", "status", "result")]
    for set_result in results:
        for result in set_result.cases:
            rows.append(
                (
                    set_result.test_set.name,
                    result.case.name,
                    result.case.request.method,
                    result.case.request.url,
                    str(result.actual.status_code),
                    "PASSED" if result.passed else "FAILED",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    for set_result in results:
        for result in set_result.cases:
            if result.passed:
                continue
            lines.append(f"\n{set_result.test_set.name}/{result.case.name} differences:")
            lines += [f"  - {diff}" for diff in result.comparison.diffs]
    return "\n".join(lines)
