"""Record the sample app through the proxy, replay it, and judge the files and reports."""

from __future__ import annotations

import asyncio
import http.client
import json
import signal
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from keploy_framework.testcase import parse_test_case
from keploy_framework.yamlio import load

from ...common.ports import free_port
from .conftest import Recorder, app_command, cli
from .keploy_structs import struct_errors

pytestmark = pytest.mark.smoke  # real recorder and app processes

CANARIES = ("CANARY-AUTH-7f3a", "CANARY-COOKIE-9b1c", "CANARY-PASSWORD-2e4d", "CANARY-FORM-5a6b")
StartRecorder = Callable[..., Recorder]


def _drive_sample_traffic(base: str) -> None:
    with httpx.Client(base_url=base, trust_env=False, follow_redirects=False) as client:
        client.get("/health")
        client.get(
            "/items", params={"limit": 5}, headers={"Authorization": f"Bearer {CANARIES[0]}"}
        )
        client.get("/items/1")
        client.post(
            "/items",
            json={"name": "cup", "password": CANARIES[2]},
            headers={"Cookie": f"sid={CANARIES[1]}"},
        )
        client.post("/login", json={"username": "ann", "password": CANARIES[2]})
        client.post("/form", data={"user": "bob", "password": CANARIES[3]})
        client.get("/gzip", headers={"Accept-Encoding": "gzip"})
        client.get("/binary")
        client.get("/repeat")
        client.get("/redirect")
        client.get("/time")
        client.get("/host")  # replayed to another port: passes only if the Host is kept


def _cases(test_dir: Path) -> dict[str, dict[str, Any]]:
    by_path: dict[str, dict[str, Any]] = {}
    for path in sorted(test_dir.glob("test-set-0/tests/*.yaml")):
        document = load(path.read_text(), path)
        parse_test_case(document, path)
        url = document["spec"]["req"]["url"]
        by_path[f"{document['spec']['req']['method']} {url.split('/', 3)[3]}"] = document
    return by_path


def _no_canary_anywhere(root: Path) -> None:
    files = [p for p in root.rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        for canary in CANARIES:
            assert canary.encode() not in data, f"{canary} written to {path}"


def test_record_then_replay_passes_twice_and_a_renamed_field_fails(
    start_recorder: StartRecorder, tmp_path: Path
) -> None:
    recorder = start_recorder()
    _drive_sample_traffic(recorder.proxy_url)
    code, out, err = recorder.stop(signal.SIGINT)
    assert code == 0, err
    assert "recorded 12 test cases" in out

    cases = _cases(recorder.test_dir)
    assert len(cases) == 12
    gzip_case = cases["GET gzip"]["spec"]
    assert gzip_case["resp"]["body"] == '{"compressed": true, "size": 3}'
    assert gzip_case["resp"]["header"]["Content-Encoding"] == "gzip"
    assert cases["GET binary"]["spec"]["resp"]["body"] == bytes(range(256))
    assert "body: !!binary" in (recorder.test_dir / "test-set-0/tests/test-8.yaml").read_text()
    repeat = cases["GET repeat"]["spec"]["resp"]["header"]
    assert repeat["X-Tag"] == "a,b"
    assert repeat["X-Custom-Id"] == "7"
    assert cases["GET health"]["spec"]["req"]["header"]["Host"] == recorder.proxy_url[7:]
    assert cases["GET redirect"]["spec"]["resp"]["status_code"] == 302
    time_noise = cases["GET time"]["spec"]["assertions"]["noise"]
    assert set(time_noise) == {
        "header.Date",
        "header.X-Request-Id",
        "body.now",
        "body.epoch",
        "body.request",
    }
    assert cases["GET items?limit=5"]["spec"]["req"]["url_params"] == {"limit": "5"}
    # What `keploy test` reads: Keploy's struct fields, and the app's port to send to.
    proxy_port = int(recorder.proxy_url.rsplit(":", 1)[1])
    for name, document in cases.items():
        assert struct_errors(document, "NetworkTrafficDoc") == [], name
        spec = document["spec"]
        assert urlsplit(spec["req"]["url"]).port == spec["app_port"], name
        assert spec["app_port"] != proxy_port

    port = free_port()
    config = tmp_path / "keploy-config.yml"
    config.write_text(f"version: 1\nname: Sample API\nconfig:\n  ports: [{port}]\n")
    port_options: list[list[str | int | Path]] = [["--app-port", port], ["--config", config]]
    for port_option in port_options:
        replay = cli(
            "test",
            "--replay",
            "--test-dir",
            recorder.test_dir,
            "--app-cmd",
            app_command(port),
            *port_option,
        )
        assert replay.returncode == 0, replay.stdout + replay.stderr
        assert "12/12 passed (100.0%)" in replay.stdout

    report = load(
        (recorder.test_dir / "reports/test-run-1/test-set-0-report.yaml").read_text(), "report"
    )
    assert (report["status"], report["success"], report["failure"], report["total"]) == (
        "PASSED",
        12,
        0,
        12,
    )
    assert struct_errors(report, "TestReport") == []
    assert report["tests"][0]["result"]["status_code"] == {
        "normal": True,
        "expected": 200,
        "actual": 200,
    }

    openapi = tmp_path / "openapi.yaml"
    openapi.write_text(
        "openapi: 3.1.0\npaths:\n  /health:\n    get: {}\n  /items/{id}:\n    get: {}\n"
        "    delete: {}\n"
    )
    summary_path = tmp_path / "out" / "keploy-coverage.json"
    summary = cli(
        "report", "--output", summary_path, "--test-dir", recorder.test_dir, "--openapi", openapi
    )
    assert summary.returncode == 1, summary.stdout + summary.stderr
    assert "uncovered: DELETE /items/{id}" in summary.stdout
    document = json.loads(summary_path.read_text())
    assert document["pass_rate"] == 100.0
    assert document["endpoint_coverage"]["uncovered"] == ["DELETE /items/{id}"]
    assert len(document["tests"]) == 12
    assert "DELETE /items/{id}" in summary_path.with_suffix(".html").read_text()

    renamed = cli(
        "test",
        "--test-dir",
        recorder.test_dir,
        "--app-cmd",
        app_command(port, rename=True),
        "--app-port",
        port,
    )
    assert renamed.returncode == 1
    assert 'body.items[0].name: expected "kettle", got <missing>' in renamed.stdout
    assert 'body.name: expected "kettle", got <missing>' in renamed.stdout
    assert "9/12 passed" in renamed.stdout
    named = (recorder.test_dir / "reports/test-run-1/junit.xml").read_text()
    assert '<testsuites name="Sample API">' in named
    junit = ET.fromstring((recorder.test_dir / "reports/test-run-2/junit.xml").read_text())  # noqa: S314 - our own file
    suite = junit.find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("12", "3")

    _no_canary_anywhere(recorder.test_dir)


def test_replay_against_a_running_app_with_delay_and_selected_sets(
    start_recorder: StartRecorder, sample_app: str
) -> None:
    recorder = start_recorder()
    with httpx.Client(base_url=recorder.proxy_url, trust_env=False) as client:
        client.get("/items/2")
        client.get("/echo", params={"i": "x"})
        head = client.head("/items/2")
    assert recorder.stop(signal.SIGTERM)[0] == 0
    assert head.headers["content-length"] == client_length(recorder.test_dir)
    replay = cli(
        "test",
        "--test-dir",
        recorder.test_dir,
        "--base-url",
        sample_app,
        "--delay",
        "0.1",
        "--test-sets",
        "test-set-0,",
        "--engine",
        "python",
        "--reports-dir",
        recorder.test_dir.parent / "reports",
        "--junit",
        recorder.test_dir.parent / "junit.xml",
    )
    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "3/3 passed" in replay.stdout
    assert (recorder.test_dir.parent / "reports/test-run-0/test-set-0-report.yaml").is_file()
    assert (recorder.test_dir.parent / "junit.xml").is_file()
    coverage = cli(
        "report",
        "--output",
        recorder.test_dir.parent / "cov.json",
        "--test-dir",
        recorder.test_dir,
        "--reports-dir",
        recorder.test_dir.parent / "reports",
        "--openapi",
        f"{sample_app}/openapi.json",
    )
    assert coverage.returncode == 1
    assert "endpoint coverage 16.7%" in coverage.stdout


def client_length(test_dir: Path) -> str:
    """The Content-Length recorded for GET /items/2 (what HEAD must announce too)."""
    recorded = _cases(test_dir)["GET items/2"]["spec"]["resp"]["header"]["Content-Length"]
    head = _cases(test_dir)["HEAD items/2"]["spec"]["resp"]
    assert head["body"] == ""
    assert head["header"]["Content-Length"] == recorded
    return str(recorded)


async def _burst(base: str, count: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=base, limits=limits, trust_env=False, timeout=60) as c:
        return await asyncio.gather(*(c.get("/echo", params={"i": str(i)}) for i in range(count)))


def test_200_concurrent_requests_make_exactly_200_intact_cases(
    start_recorder: StartRecorder,
) -> None:
    recorder = start_recorder()
    responses = asyncio.run(_burst(recorder.proxy_url, 200))
    assert [r.json()["i"] for r in responses] == [str(i) for i in range(200)]
    code, _, err = recorder.stop()
    assert code == 0, err
    files = recorder.cases()
    assert len(files) == 200
    seen = set()
    for path in files:
        case = parse_test_case(load(path.read_text(), path), path)
        sent = case.request.url_params
        assert sent is not None
        assert json.loads(str(case.response.body)) == {"i": sent["i"]}
        seen.add(sent["i"])
    assert seen == {str(i) for i in range(200)}


def test_sigterm_mid_run_leaves_only_complete_files(start_recorder: StartRecorder) -> None:
    recorder = start_recorder()
    answered: list[int] = []
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(base_url=recorder.proxy_url, trust_env=False, timeout=10) as client:
            i = 0
            while not stop.is_set():
                try:
                    if client.get("/echo", params={"i": str(i)}).status_code == 200:
                        answered.append(i)
                except httpx.HTTPError:
                    return
                i += 1

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(answered) < 100 and time.monotonic() < deadline:
        time.sleep(0.01)
    code, _, err = recorder.stop(signal.SIGTERM)
    stop.set()
    for thread in threads:
        thread.join()
    assert code == 0, err
    files = list(recorder.test_dir.rglob("*"))
    names = [p.name for p in files if p.is_file()]
    assert all(name.endswith(".yaml") and not name.startswith(".") for name in names), names
    cases = recorder.cases()
    assert len(cases) >= len(answered) >= 100
    for path in cases:
        parse_test_case(load(path.read_text(), path), path)


def test_duration_filters_and_dedup(start_recorder: StartRecorder, tmp_path: Path) -> None:
    config = tmp_path / "keploy-config.yml"
    config.write_text(
        "version: 1\nconfig:\n  filters:\n    - path: /items*\n  exclude:\n"
        "    - path: /items\n      method: POST\n"
    )
    recorder = start_recorder("--config", config, "--duration", "4", "--dedup")
    with httpx.Client(base_url=recorder.proxy_url, trust_env=False) as client:
        client.get("/health")
        client.get("/items/1")
        client.get("/items/2")
        client.get("/items", params={"limit": 1})
        client.post("/items", json={"name": "n"})
        client.get("/binary")
    out, err = recorder.process.communicate(timeout=30)
    assert recorder.process.returncode == 0, err
    assert "recorded 2 test cases" in out
    assert "1 duplicates skipped" in out
    assert sorted(_cases(recorder.test_dir)) == ["GET items/1", "GET items?limit=1"]


def test_denoise_marks_drifting_fields_and_refuses_array_growth(
    start_recorder: StartRecorder,
) -> None:
    recorder = start_recorder("--denoise")
    with httpx.Client(base_url=recorder.proxy_url, trust_env=False) as client:
        client.get("/counter")
        client.get("/grow")
        client.post("/items", json={"name": "n"})
    code, _, err = recorder.stop()
    assert code == 0, err
    cases = _cases(recorder.test_dir)
    assert cases["GET counter"]["spec"]["assertions"]["noise"] == {
        "header.Date": [],
        "body.count": [],
    }
    assert "body.values" not in str(cases["GET grow"]["spec"]["assertions"]["noise"])
    assert "not noising body.values (ARRAY_LENGTH)" in err
    assert "body.id" in cases["POST items"]["spec"]["assertions"]["noise"]


def test_the_app_sees_the_headers_the_client_sent_and_no_others(
    start_recorder: StartRecorder,
) -> None:
    recorder = start_recorder()
    connection = http.client.HTTPConnection(recorder.proxy_url.removeprefix("http://"))
    connection.putrequest("GET", "/headers", skip_accept_encoding=True)
    connection.putheader("X-Probe", "1")
    connection.endheaders()
    seen = json.loads(connection.getresponse().read())["headers"]
    connection.close()
    recorder.stop()
    assert sorted(name for name, _ in seen) == ["host", "x-probe"]


def test_an_app_that_never_gets_healthy_fails_with_exit_1(tmp_path: Path) -> None:
    (tmp_path / "api/test-set-0/tests").mkdir(parents=True)
    result = cli(
        "test",
        "--test-dir",
        tmp_path / "api",
        "--config",
        _short_timeout(tmp_path),
        "--app-cmd",
        "python -c 'import sys; sys.exit(3)'",
        "--app-port",
        free_port(),
    )
    assert result.returncode == 1
    assert "the app exited with code 3" in result.stderr


def _short_timeout(tmp_path: Path) -> Path:
    path = tmp_path / "config.yml"
    path.write_text("config:\n  timeout: 5\n")
    return path


def test_a_recording_whose_app_never_starts_exits_1_and_leaves_no_empty_set(
    tmp_path: Path,
) -> None:
    result = cli(
        "record",
        "--app-cmd",
        "python -c 'import sys; sys.exit(3)'",
        "--app-port",
        free_port(),
        "--port",
        free_port(),
        "--test-dir",
        tmp_path / "api",
    )
    assert result.returncode == 1
    assert "the app exited with code 3" in result.stderr
    assert list((tmp_path / "api").iterdir()) == []
