from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import tta_api
from tta_api.catalog import Tier
from tta_api.gates.cost.gate import DEFAULT_THRESHOLD, QUALITY_GUARD, main
from tta_api.gates.cost.generator import REFERENCE_WORKLOAD

LONG = "Explain why this design fails: " + "the queue grows without bound. " * 40


def _workload(path: Path, *items: tuple[str, str]) -> Path:
    path.write_text(
        "".join(
            json.dumps({"id": str(n), "label": label, "prompt": prompt}) + "\n"
            for n, (label, prompt) in enumerate(items)
        ),
        encoding="utf-8",
    )
    return path


def test_the_reference_workload_passes_and_reports_its_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report = tmp_path / "reports" / "cost.json"

    assert main(["--json", str(report)]) == 0

    out = capsys.readouterr().out
    assert "run        total cost" in out
    assert "complex requests answered by the premium model" in out
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["passed"] is True
    assert document["failures"] == []
    assert (document["threshold"], document["quality_guard"]) == (DEFAULT_THRESHOLD, QUALITY_GUARD)
    assert document["savings"] >= DEFAULT_THRESHOLD
    naive, optimized = document["naive"], document["optimized"]
    assert naive["requests"] == optimized["requests"] >= 500
    assert naive["routing"] == {"cheap": 0, "balanced": 0, "premium": naive["requests"]}
    assert sum(optimized["routing"].values()) == optimized["requests"]
    assert 0 < optimized["cache_hit_ratio"] < 1
    assert optimized["complex_premium_share"] >= QUALITY_GUARD
    assert f"savings: {document['savings']:.1%}" in out
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("earlier step\n### Cost replay of ")
    assert "| optimized | $" in markdown
    assert "**Result:** pass" in markdown


def test_savings_below_the_threshold_fail_naming_the_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "cost.json"
    assert main(["--threshold", "0.99", "--json", str(report)]) == 1
    err = capsys.readouterr().err
    assert "cost: FAIL: savings " in err
    assert "are below the 99.0% threshold" in err
    assert json.loads(report.read_text(encoding="utf-8"))["passed"] is False


def test_a_router_that_sends_complex_prompts_to_cheap_fails_the_quality_guard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("tta_api.gates.cost.replay.tier_for", lambda _prompt: Tier.CHEAP)
    workload = _workload(tmp_path / "w.jsonl", ("complex", LONG), ("simple", "Hi?"))
    assert main(["--workload", str(workload)]) == 1
    err = capsys.readouterr().err
    assert "cost: FAIL: quality guard: 0.0% of complex requests (0/1) reached the premium" in err


def test_unanswered_requests_fail_the_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Requests that fail cost nothing: they must not pass as savings.
    catalog = tmp_path / "models.toml"
    shipped = (Path(tta_api.__file__).parent / "models.toml").read_text("utf-8")
    catalog.write_text(shipped.replace("context_window = 128000", "context_window = 10"), "utf-8")
    monkeypatch.setenv("TTA_MODELS_FILE", str(catalog))
    workload = _workload(tmp_path / "w.jsonl", ("complex", LONG), ("simple", "Hi?"))
    assert main(["--workload", str(workload), "--threshold", "0"]) == 1
    err = capsys.readouterr().err
    assert "naive: 1 request(s) failed (context window exceeded)" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--threshold", "abc"], "--threshold: not a number: 'abc'"),
        (["--threshold", "1.5"], "--threshold: must be between 0 and 1, got '1.5'"),
        (["--threshold", "nan"], "--threshold: must be between 0 and 1, got 'nan'"),
        (["--unknown"], "unrecognized arguments: --unknown"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert expected in err
    assert err.count("\n") == 1


def test_a_bad_workload_line_is_exit_2_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workload = _workload(tmp_path / "w.jsonl", ("complex", LONG), ("medium", "Hi?"))
    assert main(["--workload", str(workload)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"python -m tta_api.gates.cost: {workload}:2: label: "
        "Input should be 'simple' or 'complex'\n"
    )
    assert captured.out == ""


def test_a_bad_catalog_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TTA_MODELS_FILE", str(tmp_path / "absent.toml"))
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"python -m tta_api.gates.cost: {tmp_path / 'absent.toml'}: cannot read")
    assert err.count("\n") == 1


def test_an_unwritable_report_is_exit_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workload = _workload(tmp_path / "w.jsonl", ("complex", LONG), ("simple", "Hi?"))
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    args = ["--workload", str(workload), "--threshold", "0", "--json", str(blocked / "cost.json")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"python -m tta_api.gates.cost: {blocked}")
    assert ": cannot write: " in err
    assert err.count("\n") == 1


def _fail(fault: OSError) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        if args and isinstance(args[0], int):  # os.fdopen's descriptor: close it as a write would
            os.close(args[0])
        raise fault

    return fail


@pytest.mark.parametrize("errno_", [errno.ENOSPC, errno.EROFS], ids=["enospc", "erofs"])
@pytest.mark.parametrize("stage", ["mkstemp", "fdopen", "replace"])
def test_a_full_or_read_only_disk_keeps_the_report_and_leaves_no_temp(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    errno_: int,
    stage: str,
) -> None:
    workload = _workload(tmp_path / "w.jsonl", ("complex", LONG), ("simple", "Hi?"))
    report = tmp_path / "reports" / "cost.json"
    report.parent.mkdir()
    report.write_text("previous\n", encoding="utf-8")
    fault = OSError(errno_, os.strerror(errno_))
    monkeypatch.setattr(tempfile if stage == "mkstemp" else os, stage, _fail(fault))
    args = ["--workload", str(workload), "--threshold", "0", "--json", str(report)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == f"python -m tta_api.gates.cost: {report}: cannot write: {fault.strerror}\n"
    assert report.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in report.parent.iterdir()) == ["cost.json"]


@pytest.mark.smoke
def test_the_gate_and_its_generator_run_as_modules(tmp_path: Path) -> None:
    workload, report = tmp_path / "workload.jsonl", tmp_path / "cost.json"
    for module, args in (
        ("tta_api.gates.cost.generator", ["--out", str(workload)]),
        ("tta_api.gates.cost", ["--workload", str(workload), "--json", str(report)]),
    ):
        done = subprocess.run(
            [sys.executable, "-m", module, *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert workload.read_bytes() == REFERENCE_WORKLOAD.read_bytes()
    assert json.loads(report.read_text(encoding="utf-8"))["passed"] is True
