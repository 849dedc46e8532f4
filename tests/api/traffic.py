"""The scripted traffic ``tests/api`` is recorded from, and its recording driver.

``send_traffic`` calls every operation of tta-api's OpenAPI schema, with its
successes and every documented error that a fresh app answers deterministically
(400 undecodable body, 404 unknown workflow, 422 invalid body, 504 time budget).
Each answer's status is checked as it is sent, so a broken service is never
recorded as the expected behaviour.

``python tests/api/traffic.py record`` (``nox -s api-record``) starts a fresh
tta-api behind the recording proxy on free ports, sends the traffic, stops the
recorder with SIGTERM and swaps the new test set in for the old ones.

The recorder starts the app with ``config.app_environment`` of
``tests/keploy-config.yml``, as the gate's replay does (``keploy-framework gate``,
``nox -s api``), so a developer's ``REDIS_URL`` or ``TTA_*`` settings never leak into
the recordings.
"""

from __future__ import annotations

import argparse
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
from keploy_framework import read_test_set, write_test_case
from keploy_framework.app_process import free_port

__all__ = ["CANARY", "TRAFFIC", "Call", "main", "record_suite", "send_traffic"]

_RUN = "/api/v1/workflows/{}/run"
_NOT_UTF8 = b'{"prompt": "caf\xe9"}'
_JSON = {"Content-Type": "application/json"}

CANARY = "api-suite-canary-7f3a"
"""Sent as credentials and as a JSON ``password``; must never reach a recorded file."""


class Call(NamedTuple):
    """One scripted request and the status it must get."""

    method: str
    path: str
    body: Any = None  # JSON, or raw bytes sent as application/json
    status: int = 200
    headers: Mapping[str, str] = MappingProxyType({})


TRAFFIC: tuple[Call, ...] = (
    Call("GET", "/health"),
    Call("GET", "/api/v1/workflows"),
    Call(
        "GET",
        "/api/v1/workflows",
        headers={
            "Authorization": f"Bearer {CANARY}",
            "Cookie": f"session={CANARY}",
            "X-Llm-Api-Key": CANARY,
        },
    ),
    Call("POST", "/api/v1/route", {"prompt": "What is 2+2?"}),
    Call("POST", "/api/v1/route", {"prompt": "Explain why the sky is blue, step by step."}),
    Call("POST", "/api/v1/route", {"prompt": "Compare these. " * 80}),
    Call("POST", "/api/v1/route", {}, 422),
    Call("POST", "/api/v1/route", {"prompt": ""}, 422),
    Call("POST", "/api/v1/route", {"prompt": "Hello", "password": CANARY}, 422),  # echoed input
    Call("POST", "/api/v1/route", _NOT_UTF8, 400),
    Call("POST", _RUN.format("smart-answer"), {"prompt": "What is the capital of France?"}),
    Call("POST", _RUN.format("smart-answer"), {"prompt": "What is the capital of France?"}),
    Call("POST", _RUN.format("smart-answer"), {"prompt": "Explain how a cache works."}),
    Call("POST", _RUN.format("resilient-answer"), {"prompt": "Hello", "fail_attempts": 1}),
    Call("POST", _RUN.format("resilient-answer"), {"prompt": "Hello", "fail_attempts": 5}),
    Call("POST", _RUN.format("bounded-answer"), {"prompt": "Summarise this sentence."}),
    Call(
        "POST",
        _RUN.format("bounded-answer"),
        {"prompt": "Summarise this sentence.", "extra_latency_ms": 5000},
        504,
    ),
    Call("POST", _RUN.format("panel-answer"), {"prompt": "Name three primary colours."}),
    Call("POST", _RUN.format("no-such-workflow"), {"prompt": "Hello"}, 404),
    Call("POST", _RUN.format("smart-answer"), {"prompt": "Hello", "fail_attempts": 11}, 422),
    Call("POST", _RUN.format("smart-answer"), {"prompt": "Hello", "temperature": 0.2}, 422),
    Call("POST", _RUN.format("smart-answer"), _NOT_UTF8, 400),
    Call("GET", "/api/v1/cache/stats"),
    Call("GET", "/metrics"),
)

VOLATILE_BODIES = frozenset({("GET", "/metrics")})
"""Answers whose body moves with every request: Prometheus counters and duration
histograms. Their status and Content-Type stay asserted; the body is noise."""


def send_traffic(base_url: str, timeout: float = 30.0) -> int:
    """Send :data:`TRAFFIC` to ``base_url`` in order; the number of requests sent."""
    with httpx.Client(base_url=base_url, timeout=timeout, trust_env=False) as client:
        for call in TRAFFIC:
            if isinstance(call.body, bytes):
                headers = {**_JSON, **call.headers}
                response = client.request(
                    call.method, call.path, content=call.body, headers=headers
                )
            else:
                response = client.request(
                    call.method, call.path, json=call.body, headers=call.headers
                )
            if response.status_code != call.status:
                raise RuntimeError(
                    f"{call.method} {call.path}: expected {call.status}, "
                    f"got {response.status_code}: "
                    f"{response.text[:200]}"
                )
    return len(TRAFFIC)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "keploy_framework.cli", *args]


def _wait_listening(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait for a TCP listener (an HTTP probe through the proxy would be recorded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} within {timeout:g}s")


def _stop(process: subprocess.Popen[bytes]) -> int:
    """SIGTERM ``process`` and reap it (SIGKILL after 30 s); its exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def _mark_volatile_bodies(set_dir: Path) -> None:
    """Add body noise to the cases of :data:`VOLATILE_BODIES` (Keploy's per-case noise)."""
    for case in read_test_set(set_dir).cases:
        if (case.request.method, urlsplit(case.request.url).path) in VOLATILE_BODIES:
            case.noise.update({"body": [], "header.Content-Length": []})
            write_test_case(set_dir, case)


def _swap_in(new_set: Path, test_dir: Path) -> None:
    """Make ``new_set`` the only test set of ``test_dir`` (as test-set-0)."""
    old = [p for p in test_dir.iterdir() if p.is_dir() and (p / "tests").is_dir()]
    trash = Path(tempfile.mkdtemp(prefix=".old-", dir=test_dir))
    for path in old:
        path.rename(trash / path.name)
    new_set.rename(test_dir / "test-set-0")
    shutil.rmtree(trash)


def record_suite(test_dir: Path, config: Path, timeout: float = 60.0) -> int:
    """Record :data:`TRAFFIC` from a fresh tta-api as ``test_dir/test-set-0``; the case count."""
    test_dir.mkdir(parents=True, exist_ok=True)
    app_port, proxy_port = free_port(), free_port()
    app_cmd = shlex.join([sys.executable, "-m", "tta_api", "--port", str(app_port)])
    with tempfile.TemporaryDirectory(prefix=".recording-", dir=test_dir) as scratch:
        recorder = subprocess.Popen(
            _cli(
                "record",
                f"--app-cmd={app_cmd}",
                f"--app-port={app_port}",
                f"--port={proxy_port}",
                f"--test-dir={scratch}",
                f"--config={config}",
            ),
        )
        try:
            _wait_listening(proxy_port, recorder, timeout)
            sent = send_traffic(f"http://127.0.0.1:{proxy_port}", timeout)
        finally:
            status = _stop(recorder)
        if status != 0:
            raise RuntimeError(f"the recorder exited with code {status}")
        recorded = Path(scratch) / "test-set-0"
        written = len(list((recorded / "tests").glob("*.yaml")))
        if written != sent:
            raise RuntimeError(f"sent {sent} requests but {written} test cases were recorded")
        _mark_volatile_bodies(recorded)
        _swap_in(recorded, test_dir)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``record``; 0 recorded, 1 a failed recording, 2 bad usage."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("record",))
    parser.add_argument("--test-dir", type=Path, default=Path("tests/api"))
    parser.add_argument("--config", type=Path, default=Path("tests/keploy-config.yml"))
    args = parser.parse_args(argv)
    try:
        written = record_suite(args.test_dir, args.config)
    except (RuntimeError, httpx.HTTPError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"recorded {written} test cases into {args.test_dir / 'test-set-0'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
