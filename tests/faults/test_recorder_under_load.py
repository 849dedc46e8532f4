"""The recorder under load, three runs: 3,000 requests at concurrency 200 (a third of them
POST) through ``keploy_framework.cli record`` in front of an app that closes keep-alive
connections (keepalive_app.py), all real processes over loopback. Each run: no 502 from
the proxy, every answer the app's, and as many cases written as requests sent."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from ..common.ports import free_port, wait_port

REQUESTS = 3000
CONCURRENCY = 200
APP = Path(__file__).with_name("keepalive_app.py")


async def _send_all(base_url: str) -> dict[int, int]:
    """Send the load; the count of each status code.

    aiohttp, not httpx: for one run on this 2-core machine httpx's client took 22.8 s
    of CPU (the run 71 s), aiohttp's 1.4 s (the run 16 s). Idle connections are
    dropped after 1 s, well before the proxy's keep-alive timeout (uvicorn's 5 s):
    otherwise a client starved of CPU for seconds sends on a connection the proxy is
    closing, a race only the client can avoid.
    """
    statuses: dict[int, int] = {}
    gate = asyncio.Semaphore(CONCURRENCY)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY, keepalive_timeout=1.0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base_url, connector=connector, timeout=timeout) as client:

        async def one(number: int) -> None:
            async with gate:
                if number % 3 == 0:
                    sent = client.post(f"/items/{number}", json={"n": number})
                else:
                    sent = client.get(f"/items/{number}")
                async with sent as answer:
                    await answer.read()
            statuses[answer.status] = statuses.get(answer.status, 0) + 1

        await asyncio.gather(*(one(number) for number in range(REQUESTS)))
    return statuses


@pytest.mark.parametrize("run", [1, 2, 3])
def test_no_502_and_one_case_per_request(tmp_path: Path, run: int) -> None:
    app_port, proxy_port = free_port(), free_port()
    app = subprocess.Popen([sys.executable, str(APP), str(app_port)], stdout=subprocess.DEVNULL)
    test_dir = tmp_path / "api"
    recorder = subprocess.Popen(
        [sys.executable, "-m", "keploy_framework.cli", "record", "--app-port", str(app_port),
         "--port", str(proxy_port), "--test-dir", str(test_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        wait_port(app_port)
        wait_port(proxy_port)
        started = time.monotonic()
        statuses = asyncio.run(_send_all(f"http://127.0.0.1:{proxy_port}"))
        seconds = time.monotonic() - started
        recorder.send_signal(signal.SIGINT)
        out, err = recorder.communicate(timeout=300)
    finally:
        for process in (recorder, app):
            if process.poll() is None:
                process.kill()
            process.wait()
    assert statuses == {200: REQUESTS}, (statuses, err[-3000:])
    assert recorder.returncode == 0, err[-3000:]
    cases = list(test_dir.glob("test-set-*/tests/*.yaml"))
    assert len(cases) == REQUESTS, out + err[-3000:]
    print(f"run {run}: {REQUESTS} requests in {seconds:.1f} s, {len(cases)} cases, 0 502s")
