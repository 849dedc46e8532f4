"""``keploy_framework.gate``: one replay, one verdict, each report written once and never read.

An app served by a thread of this process answers a two-case suite over real HTTP;
``gate.run`` and ``cli.main(["gate", ...])`` run in-process against it.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import socket
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from keploy_framework import gate
from keploy_framework.config import Config, load_config
from keploy_framework.errors import InputError
from keploy_framework.storage import write_test_case
from keploy_framework.summary import step_summary_markdown
from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase

from .conftest import cli, serve_in_thread

_OPENAPI: dict[str, Any] = {
    "paths": {"/health": {"get": {}}, "/items": {"get": {}}, "/orders": {"post": {}}}
}
_ITEMS = '{"items":["kettle"]}'


class _App(BaseHTTPRequestHandler):
    """``/health``, ``/items`` (the recorded answer) and ``/openapi.json``."""

    items = _ITEMS

    def do_GET(self) -> None:
        body = {
            "/health": "{}",
            "/items": self.items,
            "/openapi.json": json.dumps(_OPENAPI),
        }.get(self.path)
        self.send_response_only(200 if body is not None else 404)  # no Date, no Server
        payload = (body or "").encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


class _RenamedApp(_App):
    items = '{"products":["kettle"]}'


@pytest.fixture(scope="module")
def app() -> Iterator[str]:
    yield from serve_in_thread(_App)


@pytest.fixture(scope="module")
def renamed_app() -> Iterator[str]:
    yield from serve_in_thread(_RenamedApp)


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    """``test-set-0``: GET /health and GET /items, as recorded."""
    test_dir = tmp_path / "api"
    for index, (path, body) in enumerate((("/health", "{}"), ("/items", _ITEMS)), start=1):
        request = HttpRequest("GET", f"http://localhost:8000{path}", {}, "", "2026-12-07T01:00:00Z")
        header = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        response = HttpResponse(200, header, body, "2026-12-07T01:00:00Z")
        write_test_case(test_dir / "test-set-0", TestCase(f"test-{index}", request, response))
    return test_dir


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


_STRICT = Config(mode="strict", pass_rate=100.0, endpoint_coverage=60.0)


def test_a_passing_suite_is_judged_once_and_every_report_lands_in_the_reports_dir(
    app: str, suite: Path, tmp_path: Path
) -> None:
    reports_dir = tmp_path / "reports"
    result = gate.run(suite, reports_dir, _STRICT, base_url=app, openapi_path="/openapi.json")
    assert (result.passed, result.verdict) == (True, "PASSED"), result.findings
    assert result.judgement == (
        "2/2 passed (100.0%), threshold 100%",
        "endpoint coverage 66.7%, threshold 60%",
        "  uncovered: POST /orders",
    )
    assert result.findings == ("uncovered endpoint: POST /orders",)
    run_dir = reports_dir / "test-run-0"
    assert result.reports == (
        run_dir / "test-set-0-report.yaml",
        run_dir / "junit.xml",
        reports_dir / "keploy-coverage.json",
        reports_dir / "keploy-coverage.html",
    )
    written = json.loads((reports_dir / "keploy-coverage.json").read_text(encoding="utf-8"))
    assert written == result.summary
    assert (written["total"], written["success"], written["pass_rate"]) == (2, 2, 100.0)
    assert written["reports"] == [str(run_dir / "test-set-0-report.yaml")]


def test_a_changed_answer_fails_naming_the_case_and_the_field(
    renamed_app: str, suite: Path, tmp_path: Path
) -> None:
    result = gate.run(suite, tmp_path / "reports", _STRICT, base_url=renamed_app)
    assert not result.passed
    assert result.coverage is None
    assert result.judgement == ("1/2 passed (50.0%), threshold 100%",)
    assert result.findings[0].startswith("test-set-0/test-2: ")
    assert "body.items: expected" in result.findings[0]
    assert "body.products: unexpected field" in result.findings[0]
    assert result.findings[1] == "pass rate below the threshold: 1/2 passed (50.0%), threshold 100%"
    assert "test-set-0/test-2 differences:" in gate.describe(result)


def test_coverage_below_its_threshold_fails_a_suite_whose_cases_all_pass(
    app: str, suite: Path, tmp_path: Path
) -> None:
    config = Config(mode="strict", pass_rate=100.0, endpoint_coverage=100.0)
    result = gate.run(suite, tmp_path / "r", config, base_url=app, openapi_path="openapi.json")
    assert not result.passed
    assert result.findings[-1] == (
        "endpoint coverage below the threshold: endpoint coverage 66.7%, threshold 100%"
    )


def test_a_second_run_replaces_the_first_runs_reports(
    app: str, suite: Path, tmp_path: Path
) -> None:
    reports_dir = tmp_path / "reports"
    gate.run(suite, reports_dir, _STRICT, base_url=app, openapi_path="/openapi.json")
    result = gate.run(suite, reports_dir, _STRICT, base_url=app)
    assert result.run_dir == reports_dir / "test-run-0"
    assert sorted(p.name for p in reports_dir.iterdir()) == [
        "keploy-coverage.html",
        "keploy-coverage.json",
        "test-run-0",
    ]
    assert "endpoint_coverage" not in json.loads(result.reports[2].read_text(encoding="utf-8"))


def test_the_step_summary_gets_the_verdict_table(
    app: str, suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    step_summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step_summary))
    gate.run(suite, tmp_path / "reports", _STRICT, base_url=app, openapi_path="/openapi.json")
    markdown = step_summary.read_text(encoding="utf-8")
    assert "2 of 2 cases passed (100.0%); endpoint coverage 66.67%." in markdown
    assert "| test-set-0 | test-2 | GET /items | PASSED |" in markdown
    assert "Uncovered endpoints: `POST /orders`" in markdown


def test_one_replay_writes_each_report_once_and_reads_none_back(
    app: str, suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every open of a file (``open``, ``Path.open``, ``os.open``) and every rename into place
    during one run: the reports are only ever created, by one atomic rename each."""
    reports_dir = tmp_path / "reports"
    opened: list[tuple[Path, str]] = []
    replaced: list[Path] = []
    real_open, real_os_open, real_replace = io.open, os.open, os.replace

    def counting_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, os.PathLike)):
            opened.append((Path(file), mode))
        return real_open(file, mode, *args, **kwargs)

    def counting_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        opened.append((Path(path), "w" if writing else "r"))
        return real_os_open(path, flags, *args, **kwargs)

    def counting_replace(source: Any, target: Any, **kwargs: Any) -> None:
        replaced.append(Path(target))
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(io, "open", counting_open)  # Path.open, read_text, read_bytes
    monkeypatch.setattr(os, "open", counting_os_open)  # tempfile.mkstemp
    monkeypatch.setattr(os, "replace", counting_replace)
    result = gate.run(suite, reports_dir, _STRICT, base_url=app, openapi_path="/openapi.json")
    monkeypatch.undo()

    assert replaced == list(result.reports)  # each report once, in place by one rename
    under_reports = [(path, mode) for path, mode in opened if reports_dir in path.parents]
    assert all("r" not in mode or "+" in mode for _, mode in under_reports), under_reports
    assert len(under_reports) == len(result.reports)  # one temp file per report, no other
    assert {path.parent for path, _ in under_reports} == {reports_dir, result.run_dir}
    read = [path for path, mode in opened if "w" not in mode and "a" not in mode]
    assert read, "the suite's cases are read from disk"
    assert all(suite in path.parents for path in read), read


def test_the_cli_verb_maps_the_verdict_to_the_exit_code(
    app: str, renamed_app: str, suite: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.yml"
    config.write_text("config:\n  thresholds: {pass_rate: 100, endpoint_coverage: 60}\n")
    reports_dir = tmp_path / "reports"
    common: list[str | Path] = [
        "gate",
        "--test-dir",
        suite,
        "--reports-dir",
        reports_dir,
        "--config",
        config,
    ]
    passed = cli(*common, "--base-url", app, "--openapi-path", "/openapi.json")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert passed.stdout.splitlines()[-4:] == [
        f"reports: {reports_dir / 'test-run-0'}",
        "2/2 passed (100.0%), threshold 100%",
        "endpoint coverage 66.7%, threshold 60%",
        "  uncovered: POST /orders",
    ]
    failed = cli(*common, "--base-url", renamed_app)
    assert failed.returncode == 1
    assert failed.stdout.splitlines()[-1] == "1/2 passed (50.0%), threshold 100%"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--app-cmd", "python -m app"], "--app-cmd: name the port with {port} or --app-port"),
        (["--base-url", "http://127.0.0.1:9", "--test-sets", "nope"], "no test set named 'nope'"),
    ],
)
def test_bad_input_exits_2_on_one_line_before_any_app_starts(
    suite: Path, tmp_path: Path, extra: list[str], needle: str
) -> None:
    done = cli("gate", "--test-dir", suite, "--reports-dir", tmp_path / "r", *extra)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert needle in lines[0]
    assert not (tmp_path / "r").exists()


def test_the_config_says_what_environment_the_app_starts_with(tmp_path: Path) -> None:
    path = tmp_path / "config.yml"
    path.write_text(
        "config:\n  app_environment:\n"
        "    unset: [REDIS_URL, 'TTA_*']\n    set: {TTA_OBSERVABILITY: 'on'}\n"
    )
    environment = load_config(path).app_environment
    base = {"PATH": "/bin", "REDIS_URL": "redis://x", "TTA_MODE": "a", "XTTA_": "kept"}
    assert environment.apply(base) == {"PATH": "/bin", "XTTA_": "kept", "TTA_OBSERVABILITY": "on"}
    path.write_text("config:\n  app_environment:\n    set: {TTA_OBSERVABILITY: true}\n")
    with pytest.raises(InputError, match=r"config\.app_environment\.set\.TTA_OBSERVABILITY"):
        load_config(path)


def test_the_step_summary_names_failed_cases_and_uncovered_endpoints() -> None:
    summary = {
        "total": 2,
        "success": 1,
        "pass_rate": 50.0,
        "tests": [
            {
                "test_set": "test-set-0",
                "test_case_id": "test-1",
                "status": "PASSED",
                "method": "GET",
                "url": "http://127.0.0.1:9/health?x=1",
            },
            {
                "test_set": "test-set-0",
                "test_case_id": "test-2",
                "status": "FAILED",
                "method": "POST",
                "url": "http://127.0.0.1:9/api/v1/route",
            },
        ],
        "endpoint_coverage": {"percent": 50.0, "uncovered": ["GET /metrics"]},
    }
    markdown = step_summary_markdown(summary)
    assert markdown.splitlines()[:3] == [
        "### API replay",
        "",
        "1 of 2 cases passed (50.0%); endpoint coverage 50.0%.",
    ]
    assert "| test-set-0 | test-2 | POST /api/v1/route | FAILED |" in markdown
    assert "| test-set-0 | test-1 | GET /health | PASSED |" in markdown  # no query string
    assert markdown.endswith("Uncovered endpoints: `GET /metrics`")


_ENV_APP = """
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        seen = {"mode": os.environ.get("APP_MODE"), "secret": os.environ.get("APP_SECRET_X")}
        body = json.dumps(seen if self.path == "/env" else {}).encode()
        self.send_response_only(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


@pytest.mark.smoke  # starts the app under test
@pytest.mark.parametrize("process_groups", [True, False], ids=["posix", "no-killpg-as-on-windows"])
def test_the_gate_starts_the_app_on_a_free_port_with_the_configs_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, process_groups: bool
) -> None:
    if not process_groups:
        monkeypatch.delattr(os, "killpg")  # Windows: the app alone is terminated
    script = tmp_path / "env_app.py"
    script.write_text(_ENV_APP)
    body = '{"mode": "replay", "secret": null}'
    request = HttpRequest("GET", "http://localhost:8000/env", {}, "", "2026-12-07T01:00:00Z")
    response = HttpResponse(200, {"Content-Length": str(len(body))}, body, "2026-12-07T01:00:00Z")
    write_test_case(tmp_path / "api/test-set-0", TestCase("test-1", request, response))
    config = tmp_path / "config.yml"
    config.write_text(
        "config:\n  mode: strict\n  app_environment:\n"
        "    unset: ['APP_SECRET_*']\n    set: {APP_MODE: replay}\n"
    )
    monkeypatch.setenv("APP_SECRET_X", "from the developer's shell")
    monkeypatch.setenv("APP_MODE", "record")

    result = gate.run(
        tmp_path / "api",
        tmp_path / "reports",
        load_config(config),
        app_cmd=f"{sys.executable} {script} {gate.PORT_PLACEHOLDER}",
    )

    assert result.passed, result.findings
    host, port = urlsplit(result.app_url).hostname, urlsplit(result.app_url).port
    assert (host, port != 8000) == ("127.0.0.1", True)  # a free port, not the recorded one
    with socket.socket() as probe:
        assert probe.connect_ex((host, port or 0)) != 0, "the app still runs"
