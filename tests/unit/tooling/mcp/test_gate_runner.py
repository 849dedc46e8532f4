"""run_gate: what the noxfile does not allow is refused before anything runs; a real run
reports its status, duration and a capped tail of its output, with progress on the way."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import anyio
import pytest
from tta_tooling.mcp.bounded import TEXT_LIMIT
from tta_tooling.mcp.gate_runner import RefusedRequest, RunLimits, check_request, run_gate
from tta_tooling.posargs_policy import allowed_posargs

from .conftest import TINY_NOXFILE

BASE_NAMES = {name: name for name in ("hello", "touch", "bare", "sleepy")}
POLICY = allowed_posargs(TINY_NOXFILE)


def test_the_tiny_noxfile_declares_its_allow_lists() -> None:
    assert {name: [p.pattern for p in patterns] for name, patterns in POLICY.items()} == {
        "hello": ["[0-9]", "--loud"],
        "touch": ["[a-z][a-z-]*"],
        "sleepy": ["--ticks"],
    }


def test_unknown_sessions_are_refused_with_the_known_list() -> None:
    with pytest.raises(RefusedRequest) as refused:
        check_request("rm -rf", [], BASE_NAMES, POLICY)
    assert (
        str(refused.value) == "unknown session 'rm -rf'; known sessions: bare, hello, sleepy, touch"
    )


def test_an_argument_outside_the_allow_list_is_refused_naming_it_and_the_patterns() -> None:
    with pytest.raises(RefusedRequest) as refused:
        check_request("hello", ["3", "--exit-zero"], BASE_NAMES, POLICY)
    assert str(refused.value) == (
        "argument '--exit-zero' is not allowed for session 'hello': each argument must match "
        "one of its @ci_posargs patterns in full: '[0-9]', '--loud'"
    )


def test_a_session_without_ci_posargs_accepts_no_argument() -> None:
    check_request("bare", [], BASE_NAMES, POLICY)
    with pytest.raises(RefusedRequest) as refused:
        check_request("bare", ["-x"], BASE_NAMES, POLICY)
    assert str(refused.value) == (
        "session 'bare' accepts no arguments (noxfile.py gives it no @ci_posargs); refused '-x'"
    )


def test_an_empty_ci_posargs_accepts_no_argument() -> None:
    with pytest.raises(RefusedRequest) as refused:
        check_request("format", ["--diff"], {"format": "format"}, {"format": ()})
    assert str(refused.value) == (
        "session 'format' accepts no arguments (noxfile.py gives it an empty @ci_posargs()); "
        "refused '--diff'"
    )


def test_a_session_is_checked_against_its_base_name() -> None:
    names = {"tests-3.12": "tests", "tests": "tests"}
    policy = {"tests": POLICY["hello"]}
    check_request("tests-3.12", ["--loud", "7"], names, policy)
    with pytest.raises(RefusedRequest, match="not allowed for session 'tests'"):
        check_request("tests-3.12", ["-p", "no:cacheprovider"], names, policy)


def test_allowed_arguments_pass() -> None:
    check_request("hello", ["--loud", "3"], BASE_NAMES, POLICY)
    check_request("touch", ["made-by-gate"], BASE_NAMES, POLICY)


@pytest.mark.parametrize("where", ["session", "argument"])
def test_a_megabyte_of_input_gives_a_short_refusal(where: str) -> None:
    huge = "x" * 1_000_000
    session, args = (huge, []) if where == "session" else ("hello", [huge])
    with pytest.raises(RefusedRequest) as refused:
        check_request(session, args, BASE_NAMES, POLICY)
    assert len(str(refused.value)) < 400
    assert "1000002 characters in total" in str(refused.value)


@pytest.mark.smoke
async def test_a_run_reports_exit_status_duration_and_a_capped_tail(tiny_repo: Path) -> None:
    run = await run_gate(tiny_repo, "hello", ["3"], RunLimits(timeout_seconds=120))
    result = run.as_dict()
    assert result["exit_status"] == 1, result  # nox exits 1 when a session fails
    assert result["passed"] is False
    assert result["duration_seconds"] > 0
    assert "args: ['3']" in result["output_tail"]
    assert "line 399" in result["output_tail"]
    assert "line 0\n" not in result["output_tail"], "only the tail is returned"
    assert len(result["output_tail"]) <= TEXT_LIMIT + 60
    assert result["output_characters"] > TEXT_LIMIT
    assert result["command"].endswith("-s hello -- 3")


@pytest.mark.smoke
async def test_progress_comes_at_the_interval_with_the_last_line(tiny_repo: Path) -> None:
    reports: list[tuple[float, float | None, str | None]] = []
    limits = RunLimits(timeout_seconds=600, progress_seconds=0.2, kill_grace_seconds=0.2)
    with anyio.move_on_after(60) as waited:
        async with anyio.create_task_group() as tasks:

            async def sink(progress: float, total: float | None, message: str | None) -> None:
                reports.append((progress, total, message))
                if len(reports) >= 6 and re.fullmatch(r"tick \d+", message or ""):
                    tasks.cancel_scope.cancel()  # seen enough: stop the gate

            await run_gate(tiny_repo, "sleepy", ["--ticks"], limits, sink)
    assert not waited.cancelled_caught, reports
    progress = [p for p, _, _ in reports]
    assert progress == sorted(progress)
    assert len(set(progress)) == len(progress)
    assert progress[0] < 0.2, "the first report comes at the start"
    gaps = [later - earlier for earlier, later in itertools.pairwise(progress)]
    assert max(gaps) < 0.2 + 0.8, gaps
    assert {total for _, total, _ in reports} == {600}


@pytest.mark.parametrize(
    ("arg", "reason"),
    [
        ("ok\x00--exit-zero", "control character"),
        ("ok\n", "control character"),
        ("\x1b[2Kok", "control character"),
        ("@args.txt", "response file"),
        ("@/tmp/args", "response file"),
        ("@-", "response file"),
    ],
)
def test_what_no_pattern_can_allow_is_refused_even_by_a_loose_one(arg: str, reason: str) -> None:
    names, policy = {"loose": "loose"}, {"loose": (re.compile(r"(?s).*"),)}
    check_request("loose", ["anything at all"], names, policy)
    with pytest.raises(RefusedRequest) as refused:
        check_request("loose", [arg], names, policy)
    assert str(refused.value).startswith(f"argument {arg!r} is refused for every session: ")
    assert reason in str(refused.value)
