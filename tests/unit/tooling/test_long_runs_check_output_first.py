"""Commands whose output file comes after a long run try its folder first
(``check_writable``): a full or read-only folder is one line naming the path, exit 2,
before any run starts, and the previous file stays."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest
from tta_tooling.flakiness import commands as flakiness_commands
from tta_tooling.perf import commands as perf_commands

from .conftest import run_in_process

FAULTS = [errno.ENOSPC, errno.EROFS]
COMMANDS = {
    "flakiness": ["flakiness", "--runs=2", "--json", "{output}", "tests"],
    "perf-regression": ["perf-regression", "--root", "{root}", "--output", "{output}"],
    "perf-baseline": ["perf-baseline", "--root", "{root}", "--output", "{output}"],
    "perf-error-rates": ["perf-error-rates", "--root", "{root}", "--output", "{output}"],
}
LONG_RUNS = [
    (flakiness_commands, "run_once"),
    (perf_commands, "run_gate"),
    (perf_commands, "run_suite"),
    (perf_commands, "collect_pool"),
]


@pytest.mark.parametrize("number", FAULTS, ids=["enospc", "erofs"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_output_folder_stops_the_command_before_its_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, number: int
) -> None:
    output = tmp_path / "out.json"
    output.write_text("previous", encoding="utf-8")
    started: list[str] = []
    for module, name in LONG_RUNS:
        monkeypatch.setattr(module, name, lambda *_a, _n=name, **_k: started.append(_n))

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(tempfile, "mkstemp", fail)  # the module tta_process_support.atomic calls
    args = [a.format(root=tmp_path, output=output) for a in COMMANDS[command]]
    done = run_in_process(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: {output}: {os.strerror(number)}"
    assert started == []
    assert output.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
