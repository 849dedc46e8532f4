"""run_gate: refusals run nothing; a real run reports status, duration and the output tail."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from tta_tooling.mcp.gate_runner import (
    MAX_ARGS,
    TAIL_LINES,
    RefusedRequest,
    run_gate,
    validate_request,
)

KNOWN = {"hello", "touch", "sleepy"}


def test_unknown_sessions_are_refused_with_the_known_list() -> None:
    with pytest.raises(RefusedRequest) as refused:
        validate_request("rm -rf", [], KNOWN)
    assert "unknown session 'rm -rf'; known sessions: hello, sleepy, touch" in str(refused.value)


@pytest.mark.parametrize(
    "arg", ["a;b", "$(id)", "`id`", "x|y", "x && y", "> out", "a\nb", "~/x", "*.py", "'q'", "\\"]
)
def test_arguments_with_shell_metacharacters_are_refused(arg: str) -> None:
    with pytest.raises(RefusedRequest, match="contains shell metacharacters"):
        validate_request("hello", ["-k", arg], KNOWN)


def test_too_many_or_too_long_arguments_are_refused() -> None:
    with pytest.raises(RefusedRequest, match=f"at most {MAX_ARGS}"):
        validate_request("hello", ["x"] * (MAX_ARGS + 1), KNOWN)
    with pytest.raises(RefusedRequest, match="characters; at most"):
        validate_request("hello", ["x" * 10_000], KNOWN)


def test_plain_arguments_are_accepted() -> None:
    validate_request("hello", ["-k", "cache and not redis", "--maxfail=1", "tests/unit"], KNOWN)


def _marker_files(folder: Path) -> list[Path]:
    return list(folder.glob("marker*"))


async def test_a_refused_request_runs_nothing(tiny_repo: Path) -> None:
    with pytest.raises(RefusedRequest):
        await run_gate(tiny_repo, "touch", ["marker;x"], KNOWN, 60)
    with pytest.raises(RefusedRequest):
        await run_gate(tiny_repo, "touchy", ["marker"], KNOWN, 60)
    assert _marker_files(tiny_repo) == []


async def test_a_run_reports_exit_status_duration_and_the_last_lines(tiny_repo: Path) -> None:
    run = await run_gate(tiny_repo, "hello", ["3"], KNOWN, 120)
    result = run.as_dict()
    assert result["exit_status"] == 1, result  # nox exits 1 when a session fails
    assert result["passed"] is False
    assert result["duration_seconds"] > 0
    assert len(result["output_tail"]) == TAIL_LINES
    assert any("args: ['3']" in line for line in result["output_tail"])
    assert "line 0" not in result["output_tail"], "only the tail is returned"
    assert result["command"][-3:] == ["hello", "--", "3"]


async def test_a_passing_run(tiny_repo: Path) -> None:
    run = await run_gate(tiny_repo, "touch", ["made-by-gate"], KNOWN, 120)
    assert (run.exit_status, run.timed_out) == (0, False)
    assert (tiny_repo / "made-by-gate").read_text() == "ran"


async def test_a_run_past_its_limit_is_killed_with_its_children(tiny_repo: Path) -> None:
    run = await run_gate(tiny_repo, "sleepy", [], KNOWN, 5)
    assert run.timed_out
    assert run.exit_status != 0
    assert run.duration_seconds < 60
    if sys.platform != "win32":  # a process group is killed whole on POSIX
        pid = int(_read(tiny_repo / "sleepy.pid"))
        for _ in range(100):
            if not _alive(pid):
                break
            await asyncio.sleep(0.05)
        assert not _alive(pid), "the session's child outlived the kill"


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
