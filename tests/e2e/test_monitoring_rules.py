"""monitoring/ passes ``promtool check config``, ``check rules`` and ``test rules``, and the rule
tests catch a wrong expression. Needs promtool (it has no embedded form): without it
the tests fail and say how to install it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"
RULE_TESTS = sorted(p.name for p in (MONITORING / "tests").glob("*_test.yml"))


def _promtool(*args: str | Path, cwd: Path = MONITORING) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("promtool")
    if binary is None:
        pytest.fail(
            "promtool is needed (Debian/Ubuntu: apt-get install prometheus; "
            "macOS: brew install prometheus)",
            pytrace=False,
        )
    return subprocess.run(
        [binary, *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_the_prometheus_config_and_its_rule_files_are_valid() -> None:
    done = _promtool("check", "config", "prometheus.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 1 rule files found" in done.stdout


def test_the_rule_files_are_valid() -> None:
    rule_files = sorted(Path("rules") / p.name for p in (MONITORING / "rules").glob("*.yml"))
    assert rule_files
    done = _promtool("check", "rules", *rule_files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("SUCCESS: ") == len(rule_files), done.stdout


def test_every_rule_file_has_unit_tests_and_they_pass() -> None:
    rule_files = sorted(p.stem for p in (MONITORING / "rules").glob("*.yml"))
    assert [name.removesuffix("_test.yml") for name in RULE_TESTS] == rule_files
    done = _promtool("test", "rules", *(Path("tests") / name for name in RULE_TESTS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_rule_tests_catch_a_wrong_threshold(tmp_path: Path) -> None:
    copy = shutil.copytree(MONITORING, tmp_path / "monitoring")
    rules = copy / "rules" / "primitives.yml"
    text = rules.read_text(encoding="utf-8")
    assert "p95_5m > 0.010" in text
    rules.write_text(text.replace("p95_5m > 0.010", "p95_5m > 0.100"), encoding="utf-8")
    done = _promtool("test", "rules", *(Path("tests") / name for name in RULE_TESTS), cwd=copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "PrimitiveLatencyP95AboveSLO" in done.stdout + done.stderr
