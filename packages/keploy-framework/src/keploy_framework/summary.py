"""Pass rate, per-test results and endpoint coverage as JSON, static HTML and markdown."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tta_process_support.atomic import write_text_atomically

from keploy_framework.coverage import EndpointCoverage

__all__ = [
    "append_step_summary",
    "build_summary",
    "step_summary_markdown",
    "write_html",
    "write_json",
]


def build_summary(
    reports: list[tuple[Path, dict[str, Any]]], coverage: EndpointCoverage | None
) -> dict[str, Any]:
    """The ``keploy-coverage.json`` document."""
    tests = [
        {
            "test_set": report.get("test_set")
            or str(report.get("name", "")).removesuffix("-report"),
            "test_case_id": test.get("test_case_id", ""),
            "status": test.get("status", ""),
            "method": (test.get("req") or {}).get("method", ""),
            "url": (test.get("req") or {}).get("url", ""),
        }
        for _, report in reports
        for test in report.get("tests") or []
    ]
    total = sum(int(report["total"]) for _, report in reports)
    success = sum(int(report["success"]) for _, report in reports)
    summary: dict[str, Any] = {
        "reports": [str(path) for path, _ in reports],
        "total": total,
        "success": success,
        "failure": total - success,
        "pass_rate": round(100.0 * success / total, 2) if total else 0.0,
        "tests": tests,
    }
    if coverage is not None:
        summary["endpoint_coverage"] = {
            "percent": round(coverage.percent, 2),
            "covered": [f"{e.method} {e.path}" for e in coverage.covered],
            "uncovered": [f"{e.method} {e.path}" for e in coverage.uncovered],
        }
    return summary


def write_json(target: Path, summary: dict[str, Any]) -> None:
    """Write the summary atomically."""
    write_text_atomically(target, json.dumps(summary, indent=2) + "\n")


def write_html(target: Path, summary: dict[str, Any]) -> None:
    """A self-contained HTML page for humans."""
    esc = html.escape
    rows = "\n".join(
        f"<tr class='{esc(t['status'].lower())}'><td>{esc(t['test_set'])}</td>"
        f"<td>{esc(t['test_case_id'])}</td><td>{esc(t['method'])}</td>"
        f"<td>{esc(t['url'])}</td><td>{esc(t['status'])}</td></tr>"
        for t in summary["tests"]
    )
    coverage = summary.get("endpoint_coverage")
    coverage_html = ""
    if coverage is not None:
        uncovered = "".join(f"<li>{esc(e)}</li>" for e in coverage["uncovered"]) or "<li>none</li>"
        coverage_html = (
            f"<h2>Endpoint coverage: {coverage['percent']}%</h2>"
            f"<p>{len(coverage['covered'])} covered</p><h3>Uncovered</h3><ul>{uncovered}</ul>"
        )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>API replay report</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em}}tr.failed{{background:#fdd}}
tr.passed{{background:#efe}}</style></head><body>
<h1>API replay report</h1>
<p>{summary["success"]} of {summary["total"]} passed ({summary["pass_rate"]}%)</p>
{coverage_html}
<table><tr><th>test set</th><th>test</th><th>method</th><th>url</th><th>status</th></tr>
{rows}
</table></body></html>
"""
    write_text_atomically(target, page)


def _markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table; ``|`` in cells is escaped."""

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *map(line, rows)])


def step_summary_markdown(summary: Mapping[str, Any]) -> str:
    """Markdown for a ``keploy-coverage.json`` summary: the verdicts, each case, uncovered
    endpoints."""
    endpoints = summary.get("endpoint_coverage") or {}
    lines = [
        "### API replay",
        "",
        f"{summary['success']} of {summary['total']} cases passed ({summary['pass_rate']}%); "
        f"endpoint coverage {endpoints.get('percent', 'not measured')}%.",
        "",
        _markdown_table(
            ("test set", "case", "request", "status"),
            [
                (
                    t["test_set"],
                    t["test_case_id"],
                    f"{t['method']} {urlsplit(t['url']).path}",
                    t["status"],
                )
                for t in summary["tests"]
            ],
        ),
    ]
    uncovered = endpoints.get("uncovered") or []
    if uncovered:
        lines += ["", "Uncovered endpoints: " + ", ".join(f"`{e}`" for e in uncovered)]
    return "\n".join(lines)


def append_step_summary(markdown: str) -> Path | None:
    """Append ``markdown`` to ``$GITHUB_STEP_SUMMARY`` when it is set; the file written."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    with Path(target).open("a", encoding="utf-8") as step_summary:
        step_summary.write(markdown.rstrip("\n") + "\n\n")
    return Path(target)
