"""--engine: the Keploy binary only when installed and usable; its report YAML is what counts."""

from __future__ import annotations

import os
import shutil
import stat
import sys
from pathlib import Path

import pytest
from keploy_framework.engine import EngineUnavailable, keploy_binary, resolve_engine
from keploy_framework.reports import read_report

from .conftest import FIXTURES, cli

REPORT = FIXTURES / "flask-redis/reports/test-run-0/test-set-0-report.yaml"


def _stand_in_binary(bin_dir: Path, version_exit: int, report: Path) -> None:
    """An executable named keploy that writes a Keploy-written report where Keploy would."""
    bin_dir.mkdir()
    script = bin_dir / "keploy"
    script.write_text(
        f"#!{sys.executable}\n"
        "import shutil, sys\n"
        "from pathlib import Path\n"
        f"if sys.argv[1:] == ['--version']: sys.exit({version_exit})\n"
        "path = Path(sys.argv[sys.argv.index('--path') + 1]) / 'keploy'\n"
        "assert (path / 'test-set-0' / 'tests').is_dir(), path\n"
        "assert sys.argv[1:4] == ['test', '-c', 'app --serve'], sys.argv\n"
        "run = path / 'reports' / 'test-run-0'\n"
        "run.mkdir(parents=True)\n"
        f"shutil.copy({str(report)!r}, run / 'test-set-0-report.yaml')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_auto_uses_python_when_no_binary_is_installed(tmp_path: Path) -> None:
    assert keploy_binary(str(tmp_path)) is None
    assert resolve_engine("auto", str(tmp_path)) == ("python", None)
    assert resolve_engine("python", str(tmp_path)) == ("python", None)
    with pytest.raises(EngineUnavailable, match="no usable 'keploy' binary"):
        resolve_engine("keploy", str(tmp_path))


def test_a_binary_that_does_not_run_is_not_usable(tmp_path: Path) -> None:
    _stand_in_binary(tmp_path / "bin", 1, REPORT)
    assert keploy_binary(str(tmp_path / "bin")) is None
    assert resolve_engine("auto", str(tmp_path / "bin")) == ("python", None)


def test_the_keploy_engine_exits_2_when_the_binary_is_missing(tmp_path: Path) -> None:
    result = cli(
        "test",
        "--engine",
        "keploy",
        "--test-dir",
        tmp_path,
        "--app-cmd",
        "x",
        env={"PATH": str(tmp_path)},
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no usable 'keploy' binary on PATH" in result.stderr


def test_the_keploys_report_yaml_decides_the_verdict(tmp_path: Path) -> None:
    report = read_report(REPORT)
    assert (report["status"], report["success"], report["total"]) == ("PASSED", 6, 6)
    shutil.copytree(FIXTURES / "flask-redis/test-set-0", tmp_path / "api/test-set-0")
    _stand_in_binary(tmp_path / "bin", 0, REPORT)
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = cli("test", "--test-dir", tmp_path / "api", "--app-cmd", "app --serve", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6/6 passed (100.0%)" in result.stdout
    assert (tmp_path / "api/reports/test-run-0/test-set-0-report.yaml").is_file()

    failing = tmp_path / "failing.yaml"
    failing.write_text(
        REPORT.read_text().replace("success: 6", "success: 4").replace("failure: 0", "failure: 2")
    )
    shutil.rmtree(tmp_path / "bin")
    shutil.rmtree(tmp_path / "api/reports")
    _stand_in_binary(tmp_path / "bin", 0, failing)
    result = cli("test", "--test-dir", tmp_path / "api", "--app-cmd", "app --serve", env=env)
    assert result.returncode == 1
    assert "4/6 passed (66.7%)" in result.stdout


def test_the_keploy_engine_needs_an_app_command(tmp_path: Path) -> None:
    _stand_in_binary(tmp_path / "bin", 0, REPORT)
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = cli("test", "--engine", "keploy", "--test-dir", tmp_path, env=env)
    assert result.returncode == 2
    assert "--app-cmd" in result.stderr


def test_auto_replays_in_python_against_a_running_app(tmp_path: Path, sample_app: str) -> None:
    shutil.copytree(FIXTURES / "flask-redis/test-set-0", tmp_path / "api/test-set-0")
    _stand_in_binary(tmp_path / "bin", 0, REPORT)
    env = {"PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = cli("test", "--test-dir", tmp_path / "api", "--base-url", sample_app, env=env)
    assert result.returncode == 1  # another app than the one recorded: the cases fail
    assert "0/2 passed" in result.stdout
    assert (tmp_path / "api/reports/test-run-0/junit.xml").is_file()
