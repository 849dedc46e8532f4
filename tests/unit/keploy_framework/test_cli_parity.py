"""The CLI's report YAML gives the scenario verdicts over real HTTP; bad new config keys exit 2.

The scenarios of scenarios/verdicts.yaml that need no config are served by a loopback
server that answers exactly the scenario's live response; ``main(["test", "--replay",
...])`` runs in-process and its report is read the way Keploy's is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from keploy_framework.cli import main
from keploy_framework.config import load_config
from keploy_framework.storage import write_test_case
from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase

from .test_keploy_verdicts import SCENARIOS


def _servable(scenario: dict[str, Any]) -> bool:
    """No config needed, and a live Content-Length (if any) that is the body's real length."""
    live = scenario["live"]
    length = live.get("header", scenario["recorded"].get("header", {})).get("Content-Length")
    body = live.get("body", "").encode("utf-8")
    fits = length is None or int(length) == len(body)
    return "config" not in scenario and "test_set" not in scenario and fits


PLAIN = [s for s in SCENARIOS if _servable(s)]
BATCH = 8  # scenarios per CLI run: each test stays well under a second
BATCHES = range(0, len(PLAIN), BATCH)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # a body without Content-Length ends at close

    def do_GET(self) -> None:
        if self.path == "/health":  # the replayer waits for the app to be healthy
            self.send_response_only(200)
            self.end_headers()
            return
        scenario = PLAIN[int(self.path.rsplit("/", 1)[1])]
        live, recorded = scenario["live"], scenario["recorded"]
        self.send_response_only(live.get("status", 200))
        for name, value in live.get("header", recorded.get("header", {})).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(live.get("body", "").encode("utf-8"))

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def live_app() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _write_suite(test_dir: Path, indices: range) -> None:
    set_dir = test_dir / "test-set-0"
    for index in indices:
        scenario = PLAIN[index]
        recorded = scenario["recorded"]
        request = HttpRequest(
            "GET", f"http://localhost:8000/s/{index}", {}, "", "2026-12-07T01:00:00Z"
        )
        response = HttpResponse(
            recorded.get("status", 200),
            dict(recorded.get("header", {})),
            recorded.get("body", ""),
            "2026-12-07T01:00:00Z",
        )
        case = TestCase(f"test-{index + 1}", request, response, dict(recorded.get("noise", {})))
        write_test_case(set_dir, case)


@pytest.mark.parametrize("start", BATCHES)
@pytest.mark.parametrize("mode", ["keploy", "strict"])
def test_the_cli_report_gives_every_verdict(
    live_app: str, tmp_path: Path, mode: str, start: int
) -> None:
    indices = range(start, min(start + BATCH, len(PLAIN)))
    _write_suite(tmp_path / "api", indices)
    config = tmp_path / "config.yml"
    config.write_text(f"config:\n  mode: {mode}\n")
    argv = ["test", "--replay", "--test-dir", str(tmp_path / "api"), "--base-url", live_app]
    assert main([*argv, "--config", str(config)]) in (0, 1)
    report_path = tmp_path / "api/reports/test-run-0/test-set-0-report.yaml"
    report = yaml.safe_load(report_path.read_text(encoding="utf-8"))
    by_case = {test["test_case_id"]: test for test in report["tests"]}
    mismatches = []
    assert len(by_case) == len(indices)
    for index in indices:
        scenario = PLAIN[index]
        test = by_case[f"test-{index + 1}"]
        result = test["result"]
        failed = [] if result["status_code"]["normal"] else ["status_code"]
        failed += [] if all(b["normal"] for b in result["body_result"]) else ["body"]
        failed += [
            f"header.{h['expected']['key']}" for h in result["headers_result"] if not h["normal"]
        ]
        want = (
            scenario["keploy"] if mode == "keploy" else scenario.get("strict", scenario["keploy"])
        )
        if sorted(failed) != sorted(want) or (test["status"] == "PASSED") != (not want):
            mismatches.append((scenario["id"], failed, want, test["status"]))
    assert mismatches == []
    assert len(PLAIN) >= 50


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("  mode: lenient\n", "config.mode"),
        ("  compareAll: 'yes'\n", "config.compareAll"),
        ("  disable_auto_header_noise: 1\n", "config.disable_auto_header_noise"),
        ("  ignoreOrdering: [true]\n", "config.ignoreOrdering"),
        ("  globalNoise:\n    global:\n      body: {id: 5}\n", "config.globalNoise.global.body"),
        ("  globalNoise:\n    testsets: {}\n", "'testsets'"),
        ("  noise:\n    test_sets:\n      test-set-0: []\n", "config.noise.test_sets.test-set-0"),
        ("  noise:\n    ignore_ordering: maybe\n", "config.noise.ignore_ordering"),
    ],
)
def test_a_malformed_new_config_key_exits_2_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, key: str
) -> None:
    (tmp_path / "api/test-set-0/tests").mkdir(parents=True)
    config = tmp_path / "keploy-config.yml"
    config.write_text("config:\n" + section)
    argv = ["test", "--replay", "--test-dir", str(tmp_path / "api"), "--config", str(config)]
    assert main([*argv, "--base-url", "http://127.0.0.1:9"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert str(config) in lines[0]
    assert key in lines[0]
    assert "Traceback" not in captured.err


def test_keploy_yml_test_section_is_read(tmp_path: Path) -> None:
    config_file = tmp_path / "keploy.yml"
    config_file.write_text(
        "test:\n"
        "  selectedTests: {}\n"  # a binary-only setting: accepted, ignored
        "  globalNoise:\n"
        "    global: {body: {ts: []}, header: {X-Build: []}}\n"
        "    test-sets: {test-set-1: {body: {id: ['^\\d+$']}}}\n"
        "  ignoreOrdering: false\n"
        "  compareAll: true\n"
        "  disableAutoHeaderNoise: true\n",
        encoding="utf-8",
    )
    config = load_config(config_file)
    options = config.match_options()
    assert (options.ignore_ordering, options.compare_all, options.auto_header_noise) == (
        False,
        True,
        False,
    )
    assert config.noise_for("test-set-0") == {"body": {"ts": []}, "header": {"X-Build": []}}
    assert config.noise_for("test-set-1")["body"] == {"ts": [], "id": ["^\\d+$"]}


def test_a_malformed_keploy_yml_setting_exits_2_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "api/test-set-0/tests").mkdir(parents=True)
    config = tmp_path / "keploy.yml"
    config.write_text("test:\n  compareAll: 'no'\n", encoding="utf-8")
    argv = ["test", "--replay", "--test-dir", str(tmp_path / "api"), "--config", str(config)]
    assert main([*argv, "--base-url", "http://127.0.0.1:9"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert str(config) in lines[0]
    assert "test.compareAll" in lines[0]
