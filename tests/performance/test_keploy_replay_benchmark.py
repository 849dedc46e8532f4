"""keploy_framework against floors measured in the same run, on the same small app.

* Replay throughput: ``replay_set`` (send, decode, compare with noise, build the
  report block) against a bare httpx loop sending the same requests to the same
  app (a fresh ``httpx.Client`` per round for both). Target: the median of the
  per-round throughput ratios >= 0.7.
* Recorder latency: sequential requests, interleaved request by request, sent
  (a) straight to the app, (b) through the recording proxy with every request
  filtered out (forwarding only: the floor any reverse proxy in Python pays), and
  (c) through the recording proxy writing every case. The recorder's added latency
  p50 is reported as the median of the per-request differences (c) - (a), in
  milliseconds (the "<= 1 ms" objective); it is reported, never asserted as an
  absolute time. What is asserted is a ratio of the same statistic: the latency
  the recording proxy adds is at most 2x what forwarding alone adds, i.e.
  recording adds little on top of forwarding.
"""

from __future__ import annotations

import gc
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from keploy_framework.capture import make_case, make_request, make_response, rfc3339nano
from keploy_framework.config import Config
from keploy_framework.replay import replay_set
from keploy_framework.storage import TestSet
from keploy_framework.testcase import TestCase

from ..common.ports import free_port, wait_port
from ..common.processes import stop_process

SAMPLE_APP = Path(__file__).parents[1] / "unit" / "keploy_framework" / "sample_app.py"
THROUGHPUT_TARGET = 0.7
# A guard on the recorder's own work on top of forwarding; the <= 1 ms objective is
# reported above, not asserted. On a 2-core machine: 1.18-1.27 idle, 1.07-1.33 with two
# busy processes, up to 1.84 with three; writing each case on the event loop measures
# 2.2 idle and 3.4 loaded.
LATENCY_RATIO_TARGET = 2.0
ROUNDS = 21
LATENCY_REQUESTS = 400
PATHS = ["/items/1", "/items/2", "/items?limit=1", "/health"] + [f"/echo?i={i}" for i in range(36)]


@pytest.fixture
def app_port() -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, str(SAMPLE_APP), str(port)])
    try:
        wait_port(port)
        yield port
    finally:
        stop_process(process, signal.SIGINT)


@pytest.fixture
def proxies(app_port: int, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The recording proxy twice: forwarding only (floor), and recording every request."""
    silent = tmp_path / "forward-only.yml"
    silent.write_text("config:\n  exclude:\n    - path: '*'\n")
    started: list[subprocess.Popen[bytes]] = []
    urls: dict[str, str] = {}
    for name, extra in (("forward_only", ["--config", str(silent)]), ("recording", [])):
        port = free_port()
        started.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "keploy_framework.cli",
                    "record",
                    "--app-port",
                    str(app_port),
                    "--port",
                    str(port),
                    "--test-dir",
                    str(tmp_path / name),
                    *extra,
                ]
            )
        )
        wait_port(port)
        urls[name] = f"http://127.0.0.1:{port}"
    try:
        yield urls
    finally:
        for process in started:
            stop_process(process, signal.SIGINT)


def _recorded_set(base_url: str) -> TestSet:
    cases: list[TestCase] = []
    with httpx.Client(base_url=base_url, trust_env=False) as client:
        for index, path in enumerate(PATHS, start=1):
            response = client.get(path)
            headers = [("Host", f"{base_url[7:]}"), ("Accept", "*/*")]
            request = make_request("GET", base_url + path, headers, b"", timestamp=rfc3339nano())
            raw = [(k.decode(), v.decode()) for k, v in response.headers.raw]
            reply = make_response(response.status_code, raw, response.content, rfc3339nano())
            case = make_case(f"test-{index}", request, reply)
            case.noise["header.Date"] = []
            cases.append(case)
    return TestSet(name="test-set-0", path=Path("test-set-0"), cases=cases)


def _bare_loop(base_url: str, test_set: TestSet) -> None:
    with httpx.Client(follow_redirects=False, trust_env=False) as client:
        for case in test_set.cases:
            request = case.request
            path = request.url.split("/", 3)[3]
            response = client.request(
                request.method, f"{base_url}/{path}", headers=request.header, content=b""
            )
            response.read()


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def test_replay_throughput_against_a_bare_httpx_loop(benchmark: Any, app_port: int) -> None:
    base_url = f"http://127.0.0.1:{app_port}"
    test_set = _recorded_set(base_url)
    config = Config()
    result = replay_set(test_set, base_url, config)
    assert result.failed == 0, [c.comparison.diffs for c in result.cases if not c.passed]

    def ours() -> None:
        replay_set(test_set, base_url, config)

    def floor() -> None:
        _bare_loop(base_url, test_set)

    for _ in range(3):
        ours()
        floor()
    gc.collect()
    ratios: list[float] = []
    ours_rates: list[float] = []
    floor_rates: list[float] = []
    for index in range(ROUNDS):
        pair = (ours, floor) if index % 2 else (floor, ours)
        timings = {run.__name__: _seconds(run) for run in pair}
        ours_rate = len(test_set.cases) / timings["ours"]
        floor_rate = len(test_set.cases) / timings["floor"]
        ours_rates.append(ours_rate)
        floor_rates.append(floor_rate)
        ratios.append(ours_rate / floor_rate)
    ratio = statistics.median(ratios)

    benchmark.group = "keploy-replay"
    benchmark.pedantic(ours, rounds=20, iterations=1, warmup_rounds=2)
    benchmark.extra_info.update(
        {
            "replay_cases_per_s": round(statistics.median(ours_rates), 1),
            "bare_httpx_cases_per_s": round(statistics.median(floor_rates), 1),
            "throughput_ratio": round(ratio, 3),
            "target_ratio": THROUGHPUT_TARGET,
            "cases_per_round": len(test_set.cases),
        }
    )
    print(
        f"\nreplay throughput: {statistics.median(ours_rates):.0f} cases/s, bare httpx "
        f"{statistics.median(floor_rates):.0f} requests/s, ratio {ratio:.2f} "
        f"(target >= {THROUGHPUT_TARGET})"
    )
    assert ratio >= THROUGHPUT_TARGET, (
        f"replay runs at {ratio:.2f}x the bare httpx loop; the target is >= {THROUGHPUT_TARGET}x"
    )


def test_recorder_added_latency(benchmark: Any, app_port: int, proxies: dict[str, str]) -> None:
    targets = {
        "direct": f"http://127.0.0.1:{app_port}",
        "forward_only": proxies["forward_only"],
        "recording": proxies["recording"],
    }
    clients = {name: httpx.Client(base_url=url, trust_env=False) for name, url in targets.items()}
    latencies: dict[str, list[float]] = {name: [] for name in targets}
    try:
        for client in clients.values():
            for _ in range(30):
                client.get("/items/1").raise_for_status()
        gc.collect()
        order = list(targets)
        for index in range(LATENCY_REQUESTS):
            for name in order if index % 2 else reversed(order):
                start = time.perf_counter()
                clients[name].get("/items/1").raise_for_status()
                latencies[name].append(time.perf_counter() - start)
        benchmark.group = "keploy-recorder"
        benchmark.pedantic(
            lambda: clients["recording"].get("/items/1"), rounds=200, iterations=1, warmup_rounds=5
        )
    finally:
        for client in clients.values():
            client.close()

    medians = {name: statistics.median(values) for name, values in latencies.items()}
    added = statistics.median(
        [r - d for r, d in zip(latencies["recording"], latencies["direct"], strict=True)]
    )
    forwarding = statistics.median(
        [f - d for f, d in zip(latencies["forward_only"], latencies["direct"], strict=True)]
    )
    assert forwarding > 0, "forwarding through the proxy measured no slower than direct"
    ratio = added / forwarding
    benchmark.extra_info.update(
        {
            "recorder_added_p50_ms": round(added * 1000, 3),
            "forwarding_added_p50_ms": round(forwarding * 1000, 3),
            "direct_p50_ms": round(medians["direct"] * 1000, 3),
            "recording_added_over_forwarding_added": round(ratio, 3),
            "target_ratio": LATENCY_RATIO_TARGET,
        }
    )
    print(
        f"\nrecorder added latency p50 {added * 1000:.3f} ms (objective <= 1 ms, reported), "
        f"forwarding alone {forwarding * 1000:.3f} ms, direct p50 {medians['direct'] * 1000:.3f} "
        f"ms; recording/forwarding added-latency ratio {ratio:.2f} "
        f"(target <= {LATENCY_RATIO_TARGET})"
    )
    assert ratio <= LATENCY_RATIO_TARGET, (
        f"the recording proxy adds {ratio:.2f}x the latency forwarding alone adds; "
        f"the target is <= {LATENCY_RATIO_TARGET}x"
    )
