"""gate_report reads what the gates wrote and says clearly what is absent."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tta_tooling.mcp.gate_report import gate_report


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_nothing_written_yet_says_how_to_produce_each(tmp_path: Path) -> None:
    report = gate_report(tmp_path)
    assert {section["status"] for section in report.values()} == {"absent"}
    assert report["coverage"]["file"] == ".nox/coverage-data/coverage.json"
    assert "nox -s coverage" in report["coverage"]["how_to_produce"]
    assert "nox -s benchmarks" in report["benchmarks"]["how_to_produce"]
    assert "nox -s api" in report["api_replay"]["how_to_produce"]


def test_coverage_is_summarised_per_package(tmp_path: Path) -> None:
    def entry(covered: int, statements: int) -> dict[str, object]:
        return {"summary": {"covered_lines": covered, "num_statements": statements}}

    _write(
        tmp_path,
        ".nox/coverage-data/coverage.json",
        json.dumps(
            {
                "totals": {"percent_covered": 75.0},
                "files": {
                    "packages/a-b/src/a_b/x.py": entry(3, 4),
                    "packages/a-b/src/a_b/sub/y.py": entry(1, 4),
                    "tooling/src/t/z.py": entry(0, 0),
                },
            }
        ),
    )
    coverage = gate_report(tmp_path)["coverage"]
    assert coverage["status"] == "present"
    assert coverage["total_percent"] == 75.0
    assert coverage["packages"] == {"a_b": 50.0, "t": 100.0}
    assert "| a_b | 50.0 |" in coverage["table"]
    assert coverage["written"].endswith("+00:00")


def test_benchmarks_give_medians_and_ratios(tmp_path: Path) -> None:
    _write(
        tmp_path,
        ".github/benchmarks/latest.json",
        json.dumps(
            {
                "benchmarks": [
                    {
                        "name": "test_cache_hit",
                        "stats": {"median": 0.002, "rounds": 20},
                        "extra_info": {"ratio": 4.2},
                    }
                ]
            }
        ),
    )
    _write(tmp_path, ".github/benchmarks/latest_broken.json", "{")
    files = gate_report(tmp_path)["benchmarks"]["files"]
    assert files[0]["benchmarks"] == [
        {
            "name": "test_cache_hit",
            "median_seconds": 0.002,
            "rounds": 20,
            "extra_info": {"ratio": 4.2},
        }
    ]
    assert files[1]["status"] == "unreadable"
    assert files[1]["file"] == ".github/benchmarks/latest_broken.json"


def test_the_latest_replay_run_is_read(tmp_path: Path) -> None:
    report = "name: test-set-0\nstatus: PASSED\nsuccess: 3\nfailure: 0\ntotal: 3\ntests: []\n"
    _write(tmp_path, ".nox/reports/api/test-run-2/test-set-0-report.yaml", report)
    _write(tmp_path, ".nox/reports/api/test-run-10/test-set-0-report.yaml", report)
    _write(tmp_path, ".nox/reports/api/test-run-10/test-set-1-report.yaml", "- a list\n")
    _write(tmp_path, ".nox/reports/api/keploy-coverage.json", '{"pass_rate": 1.0}')
    replay = gate_report(tmp_path)["api_replay"]
    assert replay["latest_run"] == ".nox/reports/api/test-run-10"
    assert replay["test_sets"][0]["status"] == "present"
    assert replay["test_sets"][0]["report_status"] == "PASSED"
    assert replay["test_sets"][0]["total"] == 3
    assert replay["test_sets"][1]["status"] == "unreadable"
    assert replay["endpoint_coverage"][0]["report"] == {"pass_rate": 1.0}
    assert os.sep not in replay["test_sets"][0]["file"].replace("/", "")


def test_a_report_never_overwrites_its_section_status(tmp_path: Path) -> None:
    report = "status: FAILED\nfile: elsewhere.yaml\nwritten: never\n"
    _write(tmp_path, ".nox/reports/api/test-run-1/test-set-0-report.yaml", report)
    section = gate_report(tmp_path)["api_replay"]["test_sets"][0]
    assert section["status"] == "present"
    assert section["report_status"] == "FAILED"
    assert section["file"] == ".nox/reports/api/test-run-1/test-set-0-report.yaml"
    assert section["written"] != "never"
