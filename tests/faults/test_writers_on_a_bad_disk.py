"""Every writer on a full and on a read-only directory (bad_disks.py): the previous file
stays, no temp file is left, and the command prints one line naming the path and the OS
error, exit 2. Each command runs as a process, as a user runs it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from tta_tooling.stack.binaries import redis_server_binary

from .bad_disks import PREVIOUS, bad_directory
from .conftest import assert_one_line_error, run_cli

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="tmpfs, rlimits")

SUITE = Path(__file__).parents[1] / "unit" / "keploy_framework" / "fixtures" / "flask-redis"


def _suite(work: Path) -> Path:
    suite = work / "api"
    shutil.copytree(SUITE / "test-set-0" / "tests", suite / "test-set-0" / "tests")
    return suite


def _keploy_junit(work: Path, target: Path, app_url: str) -> tuple[str, list[str | Path]]:
    args: list[str | Path] = ["test", "--test-dir", _suite(work), "--base-url", app_url]
    return "keploy_framework.cli", [*args, "--delay", "0", "--junit", target]


def _keploy_report(work: Path, target: Path, app_url: str) -> tuple[str, list[str | Path]]:
    suite = _suite(work)
    replayed = run_cli("keploy_framework.cli", "test", "--test-dir", suite, "--base-url", app_url)
    assert "reports:" in replayed.stdout, replayed.stderr
    return "keploy_framework.cli", ["report", "--test-dir", suite, "--output", target]


def _efficiency_sarif(work: Path, target: Path, app_url: str) -> tuple[str, list[str | Path]]:
    (work / "module.py").write_text("print('hello')\n", encoding="utf-8")
    return "tta_tooling", ["efficiency", "--root", work, f"--sarif={target}"]


def _stack_state(work: Path, target: Path, app_url: str) -> tuple[str, list[str | Path]]:
    return "tta_tooling", [
        "stack",
        "up",
        "--backend=native",
        "--service=redis",
        f"--root={work}",
        f"--state={target}",
    ]


def _workload_json(work: Path, target: Path, app_url: str) -> tuple[str, list[str | Path]]:
    return "tta_api.workload", ["--json", target]


def _workload_generator(work: Path, target: Path, app_url: str) -> tuple[str, list[str | Path]]:
    return "tta_api.workload_generator", ["--seed", "5", "--requests", "40", "--out", target]


# command, target name, whether a previous target is there (a previous stack state would
# be a stack to sweep or refuse, so `stack up` writes a new one beside previous.txt)
WRITERS = {
    "keploy test --junit": (_keploy_junit, "junit.xml", True),
    "keploy report --output": (_keploy_report, "summary.json", True),
    "efficiency --sarif": (_efficiency_sarif, "efficiency.sarif", True),
    "stack up --state": (_stack_state, "state.json", False),
    "tta_api.workload --json": (_workload_json, "cost.json", True),
    "workload_generator --out": (_workload_generator, "workload.jsonl", True),
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
        module, args = prepare(work, target, app_url)
        env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "TMPDIR": str(tmp_path)}
        done = run_cli(module, *args, env=env, preexec=bad.preexec)
        assert_one_line_error(done, str(target), bad.error)
        assert (bad.path / "previous.txt").read_text(encoding="utf-8") == PREVIOUS
        if previous:
            assert target.read_text(encoding="utf-8") == PREVIOUS
        else:
            assert not target.exists()
        assert bad.leftovers(target) == []
    # `stack up` that could not save its state stopped its redis-server and removed its workdir
    assert list(work.glob(".nox/stack/native-*")) == []
