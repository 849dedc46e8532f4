"""Hostile input to the keploy CLI: oversized files and out-of-range options exit 2 on one line.

Every YAML/JSON input is refused over ``TTA_MAX_INPUT_BYTES`` before it is parsed,
and every numeric option is checked for type and range before anything starts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from keploy_framework.config import load_config

from .conftest import FIXTURES, cli, one_line_error

BASE = ["--base-url", "http://127.0.0.1:9"]
SET = FIXTURES / "flask-redis/test-set-0"


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    shutil.copytree(SET, tmp_path / "api" / "test-set-0")
    return tmp_path / "api"


def _padded(path: Path, size: int) -> Path:
    """A YAML file of ``size`` bytes: one valid key and a comment that pads it."""
    head = "version: 1\n#"
    path.write_text(head + "x" * (size - len(head) - 1) + "\n")
    return path


@pytest.mark.parametrize("limit", [100, 1000, 4096])
def test_a_config_over_the_limit_is_refused_naming_file_and_limit(
    tmp_path: Path, suite: Path, limit: int
) -> None:
    config = _padded(tmp_path / "keploy-config.yml", limit + 1)
    line = one_line_error(
        ["test", "--test-dir", suite, "--config", config, *BASE],
        str(config),
        f"input limit of {limit} bytes",
        "TTA_MAX_INPUT_BYTES",
        limit=limit,
    )
    assert line.startswith("error: ")


def test_a_config_at_the_limit_is_read(tmp_path: Path, suite: Path) -> None:
    config = _padded(tmp_path / "keploy-config.yml", 100)
    result = cli(
        "report", "--output", tmp_path / "o.json", "--test-dir", suite, "--config", config,
        env={"TTA_MAX_INPUT_BYTES": "100"},
    )  # fmt: skip
    assert "input limit" not in result.stderr
    assert "no test-run-N folder" in result.stderr  # got past the config to the reports


def test_the_default_limit_is_ten_mib(tmp_path: Path, suite: Path) -> None:
    config = _padded(tmp_path / "keploy-config.yml", 10 * 1024 * 1024 + 1)
    one_line_error(
        ["test", "--test-dir", suite, "--config", config, *BASE],
        "input limit of 10485760 bytes",
    )


@pytest.mark.parametrize(
    ("relative", "command"),
    [
        ("test-set-0/tests/test-1.yaml", "test"),
        ("test-set-0/tests/test-2.yaml", "test"),
        ("test-set-0/mocks.yaml", "test"),
    ],
)
def test_oversized_cases_and_mocks_are_refused(suite: Path, relative: str, command: str) -> None:
    target = suite / relative
    target.write_text(target.read_text() + "#" + "x" * 5000 + "\n")
    one_line_error([command, "--test-dir", suite, *BASE], str(target), "input limit", limit=4096)


@pytest.mark.parametrize("name", ["test-set-0-report.yaml", "test-set-1-report.yaml"])
def test_an_oversized_report_is_refused(tmp_path: Path, name: str) -> None:
    run = tmp_path / "reports" / "test-run-0"
    run.mkdir(parents=True)
    report = _padded(run / name, 5000)
    one_line_error(
        ["report", "--output", tmp_path / "o.json", "--test-dir", tmp_path],
        str(report),
        "input limit",
        limit=4096,
    )


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_an_oversized_openapi_file_is_refused(tmp_path: Path, suffix: str) -> None:
    run = tmp_path / "reports" / "test-run-0"
    run.mkdir(parents=True)
    openapi = tmp_path / f"openapi{suffix}"
    openapi.write_text('{"paths": {}, "x": "' + "y" * 5000 + '"}')
    one_line_error(
        ["report", "--output", tmp_path / "o.json", "--test-dir", tmp_path, "--openapi", openapi],
        str(openapi),
        "input limit",
        limit=4096,
    )


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_a_bad_limit_is_named(tmp_path: Path, suite: Path, value: str) -> None:
    result = cli("test", "--test-dir", suite, *BASE, env={"TTA_MAX_INPUT_BYTES": value})
    assert result.returncode == 2
    assert result.stderr == (
        f"error: TTA_MAX_INPUT_BYTES: expected a whole number of bytes >= 1, got {value!r}\n"
    )


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--port", "70000"], "argument --port: a TCP port is 1-65535, got '70000'"),
        (["--port", "0"], "argument --port: a TCP port is 1-65535, got '0'"),
        (["--port", "-1"], "argument --port: a TCP port is 1-65535, got '-1'"),
        (["--port", "eighty"], "argument --port: not a whole number: 'eighty'"),
        (["--app-port", "65536"], "argument --app-port: a TCP port is 1-65535, got '65536'"),
        (["--app-port", "8.5"], "argument --app-port: not a whole number: '8.5'"),
        (["--duration", "-1"], "argument --duration: expected finite seconds above 0, got '-1'"),
        (["--duration", "0"], "argument --duration: expected finite seconds above 0, got '0'"),
        (["--duration", "inf"], "argument --duration: expected finite seconds above 0"),
        (["--duration", "soon"], "argument --duration: not a number: 'soon'"),
    ],
)
def test_record_options_out_of_range_exit_2(tmp_path: Path, args: list[str], needle: str) -> None:
    argv: list[str | Path] = ["record", "--app-port", "8001", "--test-dir", tmp_path / "api"]
    one_line_error([*argv, *args], needle)
    assert not (tmp_path / "api").exists()  # refused before anything was created


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--delay", "-3"], "argument --delay: expected finite seconds >= 0, got '-3'"),
        (["--delay", "nan"], "argument --delay: expected finite seconds >= 0, got 'nan'"),
        (["--delay", "x"], "argument --delay: not a number: 'x'"),
        (["--app-port", "0", "--app-cmd", "true"], "argument --app-port: a TCP port is 1-65535"),
        (["--app-port", "99999", "--app-cmd", "true"], "argument --app-port"),
    ],
)
def test_test_options_out_of_range_exit_2(suite: Path, args: list[str], needle: str) -> None:
    one_line_error(["test", "--test-dir", suite, *args], needle)


@pytest.mark.parametrize("command", ["record", "test", "report"])
def test_a_file_as_test_dir_is_refused(tmp_path: Path, command: str) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder\n")
    extra = {
        "record": ["--app-port", "8001"],
        "test": BASE,
        "report": ["--output", str(tmp_path / "o.json")],
    }[command]
    one_line_error([command, "--test-dir", afile, *extra], f"{afile}: not a directory")
    assert afile.read_text() == "not a folder\n"


def test_a_test_dir_below_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    below = tmp_path / "afile" / "api"
    one_line_error(
        ["record", "--app-port", "8001", "--port", "8002", "--test-dir", below],
        str(below),
        "Not a directory",
    )


@pytest.mark.parametrize("ports", ["[70000]", "[0]", "[8000, -1]"])
def test_config_ports_out_of_range_are_refused(tmp_path: Path, suite: Path, ports: str) -> None:
    config = tmp_path / "keploy-config.yml"
    config.write_text(f"config:\n  ports: {ports}\n")
    one_line_error(
        ["test", "--test-dir", suite, "--config", config, *BASE], str(config), "config.ports"
    )


def _laughs(levels: int = 9, indent: str = "") -> str:
    """A "billion laughs" mapping: each anchor holds ten aliases of the one before."""
    lines = [f'{indent}l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [
        f"{indent}l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, levels)
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("test:\n  laughs:\n" + _laughs(indent="    "), "document contains excessive aliasing"),
        ("test:\n  laughs:\n" + _laughs(levels=5, indent="    "), "excessive aliasing"),
        ("test:\n  loop: &loop [*loop]\n", "recursive alias"),
        ("config: " + "[" * 150, "nested deeper than 100 levels"),
    ],
    ids=["billion-laughs", "hundred-thousand-laughs", "recursive", "deep"],
)
def test_a_config_that_expands_without_bound_is_refused(
    tmp_path: Path, suite: Path, text: str, problem: str
) -> None:
    config = tmp_path / "keploy-config.yml"
    config.write_text(text)
    one_line_error(["test", "--test-dir", suite, "--config", config, *BASE], str(config), problem)


def test_a_case_or_report_with_an_alias_bomb_is_refused(tmp_path: Path, suite: Path) -> None:
    case = suite / "test-set-0" / "tests" / "test-1.yaml"
    case.write_text(case.read_text() + "laughs:\n" + _laughs(indent="    "))
    one_line_error(["test", "--test-dir", suite, *BASE], str(case), "excessive aliasing")
    run = tmp_path / "reports" / "test-run-0"
    run.mkdir(parents=True)
    report = run / "test-set-0-report.yaml"
    report.write_text("success: 1\nfailure: 0\ntotal: 1\nlaughs:\n" + _laughs(indent="  "))
    one_line_error(
        ["report", "--output", tmp_path / "o.json", "--test-dir", tmp_path],
        str(report),
        "excessive aliasing",
    )


def test_a_deeply_nested_json_case_is_refused(suite: Path) -> None:
    case = suite / "test-set-0" / "tests" / "test-9.json"
    case.write_text("[" * 100_000)
    one_line_error(["test", "--test-dir", suite, *BASE], str(case), "nested too deeply")


def test_ordinary_aliases_are_read(tmp_path: Path) -> None:
    config = tmp_path / "keploy-config.yml"
    config.write_text(
        "config:\n  filters:\n    - &api {path: /api/*, method: GET}\n  exclude:\n    - *api\n"
    )
    loaded = load_config(config)
    assert loaded.include == loaded.exclude
