"""Every writer on a full and on a read-only directory (bad_disks.py): the previous file
stays, no temp file is left, and the command prints one line naming the path and the OS
error, exit 2. Each command runs as a process, as a user runs it."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest
from tta_tooling.stack.binaries import redis_server_binary

from ..common.ports import HOST, free_port
from .bad_disks import PREVIOUS, bad_directory
from .conftest import assert_one_line_error, run_cli

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs, rlimits")

SUITE = Path(__file__).parents[1] / "unit" / "keploy_framework" / "fixtures" / "flask-redis"


class Command(NamedTuple):
    """``python -m <module> <args>``; ``traffic`` drives it while it runs."""

    module: str
    args: list[str | Path]
    traffic: Callable[[subprocess.Popen[str]], None] | None = None


def _suite(work: Path) -> Path:
    suite = work / "api"
    shutil.copytree(SUITE / "test-set-0" / "tests", suite / "test-set-0" / "tests")
    return suite


def _keploy_junit(work: Path, target: Path, app_url: str) -> Command:
    return _keploy_test(work, app_url, "--junit", target)


def _keploy_reports_dir(work: Path, target: Path, app_url: str) -> Command:
    return _keploy_test(work, app_url, "--reports-dir", target.parent)


def _keploy_test(work: Path, app_url: str, *output: str | Path) -> Command:
    args: list[str | Path] = ["test", "--test-dir", _suite(work), "--base-url", app_url]
    return Command("keploy_framework.cli", [*args, "--delay", "0", *output])


def _keploy_report(work: Path, target: Path, app_url: str) -> Command:
    suite = _suite(work)
    replayed = run_cli("keploy_framework.cli", "test", "--test-dir", suite, "--base-url", app_url)
    assert "reports:" in replayed.stdout, replayed.stderr
    return Command("keploy_framework.cli", ["report", "--test-dir", suite, "--output", target])


def _keploy_report_html(work: Path, target: Path, app_url: str) -> Command:
    report = _keploy_report(work, work / "summary.json", app_url)
    return report._replace(args=[*report.args, "--html", target])


def _keploy_record(work: Path, target: Path, app_url: str) -> Command:
    proxy = free_port()

    def one_request_then_stop(process: subprocess.Popen[str]) -> None:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            try:
                answer = httpx.get(f"http://{HOST}:{proxy}/recorded", timeout=10, trust_env=False)
            except httpx.TransportError:
                time.sleep(0.05)  # not listening yet (or never: it failed before)
                continue
            assert answer.status_code == 200, answer.text
            process.send_signal(signal.SIGINT)  # recording ends; the case is written
            return
        assert process.poll() is not None, "the recorder never answered"

    args: list[str | Path] = ["record", "--app-port", str(urlsplit(app_url).port)]
    args += ["--port", str(proxy), "--test-dir", target.parent]
    return Command("keploy_framework.cli", args, one_request_then_stop)


def _efficiency_sarif(work: Path, target: Path, app_url: str) -> Command:
    (work / "module.py").write_text("print('hello')\n", encoding="utf-8")
    return Command("tta_tooling", ["efficiency", "--root", work, f"--sarif={target}"])


def _stack_state(work: Path, target: Path, app_url: str) -> Command:
    return Command(
        "tta_tooling",
        [
            "stack",
            "up",
            "--backend=native",
            "--service=redis",
            f"--root={work}",
            f"--state={target}",
        ],
    )


def _flakiness_json(work: Path, target: Path, app_url: str) -> Command:
    (work / "test_one.py").write_text("def test_one():\n    pass\n", encoding="utf-8")
    args: list[str | Path] = ["flakiness", "--runs=2", "--json", target, work / "test_one.py"]
    return Command("tta_tooling", args)


def _perf(command: str) -> Callable[[Path, Path, str], Command]:
    def prepare(work: Path, target: Path, app_url: str) -> Command:
        return Command("tta_tooling", [command, "--root", work, "--output", target])

    return prepare


def _cost_json(work: Path, target: Path, app_url: str) -> Command:
    return Command("tta_api.gates.cost", ["--json", target])


def _cost_generator(work: Path, target: Path, app_url: str) -> Command:
    args: list[str | Path] = ["--seed", "5", "--requests", "40", "--out", target]
    return Command("tta_api.gates.cost.generator", args)


# command, target name, whether a previous target is there (a previous stack state would
# be a stack to sweep or refuse, so `stack up` writes a new one beside previous.txt; the
# directories `record` and `test` create must not be left behind)
WRITERS = {
    "keploy record --test-dir": (_keploy_record, "test-set-0", False),
    "keploy test --junit": (_keploy_junit, "junit.xml", True),
    "keploy test --reports-dir": (_keploy_reports_dir, "test-run-0", False),
    "keploy report --output": (_keploy_report, "summary.json", True),
    "keploy report --html": (_keploy_report_html, "summary.html", True),
    "efficiency --sarif": (_efficiency_sarif, "efficiency.sarif", True),
    "stack up --state": (_stack_state, "state.json", False),
    "cost --json": (_cost_json, "cost.json", True),
    "cost.generator --out": (_cost_generator, "workload.jsonl", True),
    "flakiness --json": (_flakiness_json, "flakiness.json", True),
    "perf-regression --output": (_perf("perf-regression"), "perf-regression.json", True),
    "perf-baseline --output": (_perf("perf-baseline"), "baseline.json", True),
    "perf-error-rates --output": (_perf("perf-error-rates"), "error-rates.json", True),
}


@pytest.mark.parametrize("kind", ["full", "read-only"])
@pytest.mark.parametrize("writer", WRITERS)
def test_a_writer_on_a_bad_disk_keeps_the_old_file_and_says_why_in_one_line(
    tmp_path: Path, app_url: str, writer: str, kind: str
) -> None:
    prepare, name, previous = WRITERS[writer]
    work = tmp_path / "work"
    work.mkdir()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shutil.copy2(redis_server_binary(embedded=True), bin_dir / "redis-server")
    with bad_directory(tmp_path, kind, name if previous else None) as bad:
        target = bad.path / name
        command = prepare(work, target, app_url)
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "TMPDIR": str(tmp_path)}
        done = run_cli(
            command.module,
            *command.args,
            env=env,
            preexec=bad.preexec,
            while_running=command.traffic,
        )
        assert_one_line_error(done, str(target), bad.error)
        assert (bad.path / "previous.txt").read_text(encoding="utf-8") == PREVIOUS
        if previous:
            assert target.read_text(encoding="utf-8") == PREVIOUS
        else:
            assert not target.exists()
        assert bad.leftovers(target) == []
    # `stack up` that could not save its state stopped its redis-server and removed its workdir
    assert list(work.glob(".nox/stack/native-*")) == []
