"""`tta-tooling ci-time`: each nox session's wall time from `nox --report`, against a budget."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from tta_tooling.cli import main
from tta_tooling.errors import InputError
from tta_tooling.gates.ci_time import Timing, load_report, measure_run

from ..conftest import RunTooling
from .pinned import NOX_VERSION

NOXFILE = """
import nox


@nox.session(python=False)
def quick(session):
    session.run("python", "-c", "pass")


@nox.session(python=False)
@nox.parametrize("n", ["a", "b"])
def param(session, n):
    session.run("python", "-c", "pass")


@nox.session(python=False)
def broken(session):
    session.run("python", "-c", "raise SystemExit(3)")
"""


def _session(name: str, duration: object, result: str = "success") -> dict[str, object]:
    """One entry as nox's ``Result.serialize`` writes it."""
    return {
        "args": {},
        "name": name,
        "result": result,
        "result_code": 1 if result == "success" else 0,
        "reason": None,
        "signatures": [name],
        "duration": duration,
    }


def _report(path: Path, *sessions: dict[str, object]) -> Path:
    path.write_text(json.dumps({"result": 1, "sessions": list(sessions)}), encoding="utf-8")
    return path


def _rows(stdout: str) -> dict[str, list[str]]:
    """The table's rows by their first cell (names here hold no two spaces)."""
    return {line.split("  ")[0]: line.split() for line in stdout.splitlines()[1:]}


@pytest.mark.smoke  # runs real nox sessions to get the report nox writes
def test_real_nox_report_is_read(tmp_path: Path, run_tooling: RunTooling) -> None:
    assert version("nox") == NOX_VERSION, "the test must run the nox that uv.lock pins"
    (tmp_path / "noxfile.py").write_text(NOXFILE, encoding="utf-8")
    report = tmp_path / "report.json"
    nox = subprocess.run(
        [sys.executable, "-m", "nox", "--report", str(report), "-s", "quick", "param", "broken"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert nox.returncode == 1, nox.stderr
    timings = load_report(report)
    assert [(t.name, t.result) for t in timings] == [
        ("quick", "success"),
        ("param(n='a')", "success"),
        ("param(n='b')", "success"),
        ("broken", "failed"),
    ]
    assert all(0 < t.seconds < 600 for t in timings)

    done = run_tooling("ci-time", report, "--total-seconds", "1000", "--budget-minutes", "60")
    assert done.returncode == 0, done.stderr
    rows = _rows(done.stdout)
    assert rows["broken"][1] == "failed", "a failed session is reported, not judged"
    assert rows["total wall time"][-3:] == ["1000.0", "16:40", "100.0%"]
    assert done.stdout.splitlines()[-1] == "ok wall time 16:40 is within the 60-minute budget"


def test_table_sum_outside_and_share(tmp_path: Path, run_tooling: RunTooling) -> None:
    first = _report(tmp_path / "a.json", _session("lint", 30.0), _session("tests-3.12", 570))
    second = _report(tmp_path / "b.json", _session("e2e", 150.25, "failed"))
    done = run_tooling(
        "ci-time", first, second, "--step", "README test command=300", "--total-seconds", "1200"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["session", "result", "seconds", "min:ss", "share"]
    rows = _rows(done.stdout)
    assert list(rows)[:4] == ["lint", "tests-3.12", "e2e", "README test command"]
    assert rows["lint"][1:] == ["success", "30.0", "0:30", "2.5%"]
    assert rows["tests-3.12"][2:] == ["570.0", "9:30", "47.5%"]
    assert rows["e2e"][1:] == ["failed", "150.2", "2:30", "12.5%"]
    assert rows["README test command"][-4:] == ["step", "300.0", "5:00", "25.0%"]
    assert rows["sum of the above"][-3:] == ["1050.2", "17:30", "87.5%"]
    assert rows["outside them (setup, installs)"][-3:] == ["149.8", "2:30", "12.5%"]
    assert lines[-1] == "wall time 20:00, no budget given"


@pytest.mark.parametrize(
    ("signatures", "name"),
    [
        (["tests-3.13", "tests(python='3.13')"], "tests-3.13"),
        ([], "tests"),
        ("tests-3.13", "tests"),
        (None, "tests"),
    ],
)
def test_parametrized_session_is_named_by_its_first_signature(
    tmp_path: Path, signatures: object, name: str
) -> None:
    entry = {**_session("tests", 1.5), "signatures": signatures}
    assert load_report(_report(tmp_path / "r.json", entry)) == [Timing(name, "success", 1.5)]


@pytest.mark.parametrize(
    ("total", "budget", "code", "last_line"),
    [
        ("4800", "80", 0, "ok wall time 80:00 is within the 80-minute budget"),
        ("4800.5", "80", 1, "FAIL wall time 80:00 exceeds the 80-minute budget by 0:00"),
        ("5000", "80", 1, "FAIL wall time 83:20 exceeds the 80-minute budget by 3:20"),
        (None, "10", 1, "FAIL wall time 10:30 exceeds the 10-minute budget by 0:30"),
        (None, "11", 0, "ok wall time 10:30 is within the 11-minute budget"),
    ],
)
def test_budget_verdict(
    tmp_path: Path,
    run_tooling: RunTooling,
    total: str | None,
    budget: str,
    code: int,
    last_line: str,
) -> None:
    report = _report(tmp_path / "r.json", _session("tests-3.11", 600), _session("lint", 30))
    extra = ["--total-seconds", total] if total is not None else []
    done = run_tooling("ci-time", report, *extra, "--budget-minutes", budget)
    assert done.returncode == code, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == last_line


@pytest.mark.parametrize(
    ("total", "objective", "line"),
    [
        ("540", "10", "objective 10 minutes: met by 1:00"),
        ("660", "10", "objective 10 minutes: missed by 1:00"),
        ("600", "10", "objective 10 minutes: met by 0:00"),
    ],
)
def test_the_objective_is_reported_and_never_a_verdict(
    tmp_path: Path, run_tooling: RunTooling, total: str, objective: str, line: str
) -> None:
    report = _report(tmp_path / "r.json", _session("tests-3.11", 500))
    args = ["--total-seconds", total, "--budget-minutes", "80", "--objective-minutes", objective]
    done = run_tooling("ci-time", report, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-2:] == [
        f"ok wall time {int(total) // 60}:00 is within the 80-minute budget",
        line,
    ]


def test_sum_larger_than_total_is_flagged(tmp_path: Path, run_tooling: RunTooling) -> None:
    report = _report(tmp_path / "r.json", _session("tests-3.11", 600))
    done = run_tooling("ci-time", report, "--total-seconds", "60", "--budget-minutes", "5")
    assert done.returncode == 0, done.stderr
    assert "outside them" not in done.stdout
    assert done.stdout.splitlines()[-1].startswith("note: the timings add up to more than")


def _bad(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """Arguments of ``ci-time`` and the one line it must print, for each bad input."""
    missing = tmp_path / "missing.json"
    not_json = tmp_path / "not.json"
    not_json.write_text("{", encoding="utf-8")
    no_sessions = tmp_path / "none.json"
    no_sessions.write_text('{"result": 1, "sessions": {"lint": 1}}', encoding="utf-8")
    lint = _session("lint", 1)
    cases: dict[str, tuple[object, str]] = {
        "nan-duration": (_session("lint", float("nan")), "sessions[0].duration"),
        "inf-duration": (_session("lint", float("inf")), "sessions[0].duration"),
        "negative-duration": (_session("lint", -1), "sessions[0].duration"),
        "text-duration": (_session("lint", "12"), "sessions[0].duration"),
        "bool-duration": (_session("lint", True), "sessions[0].duration"),
        "no-duration": ({k: v for k, v in lint.items() if k != "duration"}, "sessions[0].duration"),
        "no-name": ({k: v for k, v in lint.items() if k != "name"}, "sessions[0].name"),
        "no-result": ({k: v for k, v in lint.items() if k != "result"}, "sessions[0].result"),
        "not-an-object": ("lint", "sessions[0]"),
    }
    good = _report(tmp_path / "good.json", _session("lint", 1.0))
    args: dict[str, tuple[list[str], str]] = {
        "missing-file": ([str(missing)], f"error: {missing}: cannot read:"),
        "not-json": ([str(not_json)], f"error: {not_json}:1: invalid JSON:"),
        "no-sessions": ([str(no_sessions)], f"error: {no_sessions}: field 'sessions' is missing"),
        "nothing": ([], "error: ci-time: nothing to time"),
    }
    for case, (entry, field) in cases.items():
        path = tmp_path / f"{case}.json"
        path.write_text(json.dumps({"sessions": [entry]}), encoding="utf-8")
        args[case] = ([str(path)], f"error: {path}: field '{field}' must be ")
    for value in ("nan", "-1", "inf", "soon"):
        args[f"total-{value}"] = (
            [str(good), "--total-seconds", value],
            f"error: --total-seconds: expected a finite number of seconds >= 0, got '{value}'",
        )
    for value in ("0", "-5", "nan", "inf"):
        args[f"budget-{value}"] = (
            [str(good), "--budget-minutes", value],
            f"error: --budget-minutes: expected a finite number > 0, got '{value}'",
        )
    for value in ("0", "nan"):
        args[f"objective-{value}"] = (
            [str(good), "--objective-minutes", value],
            f"error: --objective-minutes: expected a finite number > 0, got '{value}'",
        )
    for value in ("tests", "=5", "tests=-5", "tests=nan"):
        args[f"step-{value}"] = ([str(good), "--step", value], "error: --step: expected ")
    return args


def test_each_bad_input_is_one_line_naming_file_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for case, (args, message) in _bad(tmp_path).items():
        assert main(["ci-time", *args]) == 2, case
        captured = capsys.readouterr()
        assert captured.out == "", case
        assert captured.err.count("\n") == 1, (case, captured.err)
        assert captured.err.startswith(message), (case, captured.err)


def test_bad_input_from_the_command_line_has_no_traceback(
    tmp_path: Path, run_tooling: RunTooling
) -> None:
    path = tmp_path / "r.json"
    path.write_text('{"sessions": [{"name": "lint", "result": "success"}]}', encoding="utf-8")
    done = run_tooling("ci-time", path, "--budget-minutes", "1")
    assert done.returncode == 2
    assert (
        done.stderr
        == f"error: {path}: field 'sessions[0].duration' must be a finite number of seconds >= 0\n"
    )


def test_step_summary_written_only_when_the_variable_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _report(tmp_path / "r.json", _session("lint", 61), _session("e2e|x", 1))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert main(["ci-time", str(report), "--budget-minutes", "1"]) == 1
    assert list(tmp_path.iterdir()) == [report]

    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert main(["ci-time", str(report), "--budget-minutes", "2"]) == 0
    capsys.readouterr()
    assert summary.read_text(encoding="utf-8") == (
        "### CI time\n\n"
        "| session | result | seconds | min:ss | share |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| lint | success | 61.0 | 1:01 | 98.4% |\n"
        "| e2e\\|x | success | 1.0 | 0:01 | 1.6% |\n"
        "| sum of the above |  | 62.0 | 1:02 | 100.0% |\n\n"
        "ok wall time 1:02 is within the 2-minute budget\n\n"
    )


def test_input_error_is_raised_for_library_callers(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nothing to time"):
        measure_run([], [])
