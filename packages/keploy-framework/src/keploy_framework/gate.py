"""The ``api`` gate in one process: replay the recorded suite against a fresh app and judge it.

:func:`run` starts the app (or uses one already running), replays the selected
test sets, measures endpoint coverage against the app's live OpenAPI document,
and judges the pass rate and the coverage against the config's thresholds, once.
Every report is written once and never read back: Keploy's report YAML per test
set and ``junit.xml`` in ``<reports_dir>/test-run-0``, ``keploy-coverage.json``
and ``keploy-coverage.html`` beside it, and the markdown summary appended to
``$GITHUB_STEP_SUMMARY`` when it is set.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from keploy_framework.app_process import LOOPBACK, free_port, running_app
from keploy_framework.child_lifetime import signals_interrupt
from keploy_framework.config import Config
from keploy_framework.coverage import EndpointCoverage, endpoint_coverage, load_openapi
from keploy_framework.errors import InputError
from keploy_framework.replay import SetResult, replay_when_healthy
from keploy_framework.reports import console_table, set_report, write_junit, write_report
from keploy_framework.storage import TestSet, list_test_sets, read_test_set, run_dir_written_whole
from keploy_framework.summary import (
    append_step_summary,
    build_summary,
    step_summary_markdown,
    write_html,
    write_json,
)

__all__ = ["PORT_PLACEHOLDER", "SUMMARY_NAME", "GateResult", "describe", "judge_pass_rate", "run"]

PORT_PLACEHOLDER = "{port}"
"""Replaced in the app command by the port the gate serves the app on."""
SUMMARY_NAME = "keploy-coverage"
"""``<reports_dir>/keploy-coverage.json`` and ``.html``: the run's summary."""


@dataclass(frozen=True)
class GateResult:
    """One gate run: the verdict, why, the per-case results and every file written."""

    passed: bool
    app_url: str
    """The app the suite was replayed against."""
    judgement: tuple[str, ...]
    """The verdict lines: pass rate and endpoint coverage against their thresholds."""
    findings: tuple[str, ...]
    """One line per problem: a failed case and its differences, an uncovered endpoint,
    a missed threshold."""
    sets: tuple[SetResult, ...]
    coverage: EndpointCoverage | None
    summary: Mapping[str, Any]
    """The ``keploy-coverage.json`` document."""
    run_dir: Path
    reports: tuple[Path, ...]
    """Report YAMLs, ``junit.xml``, ``keploy-coverage.json`` and ``.html``, in that order."""

    @property
    def verdict(self) -> str:
        return "PASSED" if self.passed else "FAILED"


def judge_pass_rate(success: int, total: int, threshold: float) -> tuple[bool, str]:
    """Whether ``success`` of ``total`` meets ``threshold`` percent (no case never does),
    and the line that says so."""
    rate = 100.0 * success / total if total else 0.0
    return bool(total) and rate >= threshold, (
        f"{success}/{total} passed ({rate:.1f}%), threshold {threshold:g}%"
    )


def run(
    test_dir: Path,
    reports_dir: Path,
    config: Config,
    *,
    app_cmd: str | None = None,
    app_port: int | None = None,
    base_url: str | None = None,
    openapi_path: str | None = None,
    test_sets: list[str] | None = None,
) -> GateResult:
    """Replay ``test_dir`` against the app and judge it; reports go to ``reports_dir``.

    ``app_cmd`` starts a fresh app for the run on ``app_port`` (default: a free port,
    which ``{port}`` in the command names) with the config's app environment;
    otherwise ``base_url`` names an app that is already running. ``openapi_path``
    (``/openapi.json``) is fetched from the app for endpoint coverage.
    Raises :class:`InputError` on unreadable input, before any app starts.
    """
    sets = [read_test_set(path) for path in list_test_sets(test_dir, test_sets)]
    if app_cmd is None:
        if base_url is None:
            raise InputError("--base-url", "name a running app, or start one with --app-cmd")
        url = base_url
        results, coverage = _replay(sets, url, config, openapi_path)
    else:
        if app_port is None and PORT_PLACEHOLDER not in app_cmd:
            raise InputError("--app-cmd", f"name the port with {PORT_PLACEHOLDER} or --app-port")
        port = app_port or free_port()
        url = f"http://{LOOPBACK}:{port}"
        command = app_cmd.replace(PORT_PLACEHOLDER, str(port))
        with (
            signals_interrupt(),  # SIGTERM and SIGHUP stop the app as Ctrl-C does
            running_app(command, url, config.health_path, config.timeout, config.app_environment),
        ):
            results, coverage = _replay(sets, url, config, openapi_path)
    return _judge_and_write(url, results, coverage, config, reports_dir)


def describe(result: GateResult) -> str:
    """The console text: every case, each failure's differences, where the reports are, the
    verdict lines."""
    return "\n".join(
        [console_table(list(result.sets)), f"reports: {result.run_dir}", *result.judgement]
    )


def _replay(
    sets: list[TestSet], base_url: str, config: Config, openapi_path: str | None
) -> tuple[list[SetResult], EndpointCoverage | None]:
    """Replay, then read the app's OpenAPI document while it still runs."""
    results = replay_when_healthy(sets, base_url, config)
    if openapi_path is None:
        return results, None
    document = load_openapi(base_url.rstrip("/") + "/" + openapi_path.lstrip("/"))
    return results, endpoint_coverage(document, [case for s in sets for case in s.cases])


def _judge_and_write(
    app_url: str,
    results: list[SetResult],
    coverage: EndpointCoverage | None,
    config: Config,
    reports_dir: Path,
) -> GateResult:
    _remove_earlier_run(reports_dir)
    with run_dir_written_whole(reports_dir) as run_dir:
        reports = [(write_report(run_dir, report), report) for report in map(set_report, results)]
        junit = run_dir / "junit.xml"
        write_junit(junit, results, config.name)
    summary = build_summary(reports, coverage)
    summary_json = reports_dir / f"{SUMMARY_NAME}.json"
    summary_html = summary_json.with_suffix(".html")
    write_json(summary_json, summary)
    write_html(summary_html, summary)
    append_step_summary(step_summary_markdown(summary))

    passed, rate_line = judge_pass_rate(summary["success"], summary["total"], config.pass_rate)
    judgement = [rate_line]
    findings = [
        f"{r.test_set.name}/{case.case.name}: " + "; ".join(case.comparison.diffs)
        for r in results
        for case in r.cases
        if not case.passed
    ]
    if not passed:
        findings.append(f"pass rate below the threshold: {rate_line}")
    if coverage is not None:
        covered = coverage.percent >= config.endpoint_coverage
        passed = passed and covered
        judgement.append(
            f"endpoint coverage {coverage.percent:.1f}%, threshold {config.endpoint_coverage:g}%"
        )
        judgement += [f"  uncovered: {e.method} {e.path}" for e in coverage.uncovered]
        findings += [f"uncovered endpoint: {e.method} {e.path}" for e in coverage.uncovered]
        if not covered:
            findings.append(f"endpoint coverage below the threshold: {judgement[1]}")
    return GateResult(
        passed=passed,
        app_url=app_url,
        judgement=tuple(judgement),
        findings=tuple(findings),
        sets=tuple(results),
        coverage=coverage,
        summary=summary,
        run_dir=run_dir,
        reports=(*(path for path, _ in reports), junit, summary_json, summary_html),
    )


def _remove_earlier_run(reports_dir: Path) -> None:
    """The reports describe this run alone: an earlier run's folders and summary go first."""
    if not reports_dir.is_dir():
        return
    for run_dir in reports_dir.glob("test-run-*"):
        if run_dir.is_dir():
            shutil.rmtree(run_dir)
    for suffix in (".json", ".html"):
        (reports_dir / f"{SUMMARY_NAME}{suffix}").unlink(missing_ok=True)
