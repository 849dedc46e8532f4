"""Hostile input through the real CLIs, each run as a process: oversized YAML/JSON/JSONL,
alias bombs, deep nesting, ports and durations out of range, malformed state files, a
file where a folder belongs, a non-UTF-8 requirements file. Each is one line on stderr
naming the file (or option) and the problem, exit 2, no traceback, and nothing hangs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import assert_one_line_error, run_cli

ROOT = Path(__file__).parents[2]
SUITE = ROOT / "tests" / "unit" / "keploy_framework" / "fixtures" / "flask-redis" / "test-set-0"
BASE = ["--base-url", "http://127.0.0.1:9"]  # refused before any request: nothing listens
KEPLOY = "keploy_framework.cli"
TOOLING = "tta_tooling"
SERVICE = {"name": "redis", "env": "REDIS_URL", "port": 6390, "url": "redis://x"}


@dataclass
class Case:
    """A command line, its environment, and what its one error line must hold."""

    module: str
    args: list[str | Path]
    needles: list[str]
    env: dict[str, str] = field(default_factory=dict)


def _suite(tmp: Path) -> Path:
    shutil.copytree(SUITE, tmp / "api" / "test-set-0")
    return tmp / "api"


def _padded(path: Path, size: int, head: str = "version: 1\n#") -> Path:
    path.write_text(head + "x" * (size - len(head) - 1) + "\n", encoding="utf-8")
    return path


def _laughs(indent: str = "") -> str:
    """A "billion laughs" mapping: each anchor holds ten aliases of the one before."""
    lines = [f'{indent}l0: &l0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [f"{indent}l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 9)]
    return "\n".join(lines) + "\n"


def _config_test(tmp: Path, text: str, *needles: str) -> Case:
    config = tmp / "keploy-config.yml"
    config.write_text(text, encoding="utf-8")
    return Case(KEPLOY, ["test", "--test-dir", _suite(tmp), "--config", config, *BASE],
                [str(config), *needles])  # fmt: skip


def _state(tmp: Path, document: object, action: str = "status") -> Case:
    path = tmp / "state.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return Case(TOOLING, ["stack", action, f"--root={tmp}", f"--state={path}"], [str(path)])


def _services(**fields: object) -> dict[str, object]:
    return {"backend": "native", "workdir": None, "services": [{**SERVICE, **fields}]}


# --- oversized ---------------------------------------------------------------------------
def oversized_config_at_the_default_limit(tmp: Path) -> Case:
    config = _padded(tmp / "keploy-config.yml", 10 * 1024 * 1024 + 1)
    return Case(KEPLOY, ["test", "--test-dir", _suite(tmp), "--config", config, *BASE],
                [str(config), "input limit of 10485760 bytes"])  # fmt: skip


def oversized_yaml_case(tmp: Path) -> Case:
    suite = _suite(tmp)
    case = suite / "test-set-0" / "tests" / "test-1.yaml"
    _padded(case, 5000, "version: api.keploy.io/v1beta1\n#")
    return Case(KEPLOY, ["test", "--test-dir", suite, *BASE], [str(case), "input limit of 4096"],
                {"TTA_MAX_INPUT_BYTES": "4096"})  # fmt: skip


def oversized_json_report(tmp: Path) -> Case:
    run = tmp / "reports" / "test-run-0"
    run.mkdir(parents=True)
    report = run / "test-set-0-report.yaml"
    report.write_text('{"success": 1, "failure": 0, "total": 1, "pad": "' + "x" * 5000 + '"}')
    return Case(KEPLOY, ["report", "--output", tmp / "o.json", "--test-dir", tmp],
                [str(report), "input limit of 4096"], {"TTA_MAX_INPUT_BYTES": "4096"})  # fmt: skip


def endless_config(tmp: Path) -> Case:
    return Case(KEPLOY, ["test", "--test-dir", _suite(tmp), "--config", "/dev/zero", *BASE],
                ["/dev/zero", "input limit of 4096"], {"TTA_MAX_INPUT_BYTES": "4096"})  # fmt: skip


def oversized_json_state(tmp: Path) -> Case:
    case = _state(tmp, {**_services(), "pad": "x" * 5000})
    case.needles.append("input limit of 4096")
    case.env = {"TTA_MAX_INPUT_BYTES": "4096"}
    return case


def oversized_jsonl_workload(tmp: Path) -> Case:
    line = json.dumps({"id": "a", "prompt": "p", "label": "complex"}) + "\n"
    workload = tmp / "workload.jsonl"
    workload.write_text(line * 300_000, encoding="utf-8")  # 15 MB
    return Case("tta_api.gates.cost", ["--workload", workload], [str(workload)])


# --- aliases and nesting -----------------------------------------------------------------
def alias_bomb_config(tmp: Path) -> Case:
    return _config_test(tmp, "test:\n  laughs:\n" + _laughs("    "), "excessive aliasing")


def recursive_alias_config(tmp: Path) -> Case:
    return _config_test(tmp, "test:\n  loop: &loop [*loop]\n", "recursive alias")


def alias_bomb_case(tmp: Path) -> Case:
    suite = _suite(tmp)
    case = suite / "test-set-0" / "tests" / "test-1.yaml"
    case.write_text(case.read_text() + "laughs:\n" + _laughs("    "))
    return Case(KEPLOY, ["test", "--test-dir", suite, *BASE], [str(case), "excessive aliasing"])


def alias_bomb_report(tmp: Path) -> Case:
    run = tmp / "reports" / "test-run-0"
    run.mkdir(parents=True)
    report = run / "test-set-0-report.yaml"
    report.write_text("success: 1\nfailure: 0\ntotal: 1\nlaughs:\n" + _laughs("  "))
    return Case(KEPLOY, ["report", "--output", tmp / "o.json", "--test-dir", tmp],
                [str(report), "excessive aliasing"])  # fmt: skip


def deep_yaml_config(tmp: Path) -> Case:
    return _config_test(tmp, "config: " + "[" * 150, "nested deeper than 100 levels")


def deep_json_case(tmp: Path) -> Case:
    suite = _suite(tmp)
    case = suite / "test-set-0" / "tests" / "test-9.json"
    case.write_text("[" * 100_000)
    return Case(KEPLOY, ["test", "--test-dir", suite, *BASE], [str(case), "nested too deeply"])


def deep_json_state(tmp: Path) -> Case:
    case = _state(tmp, '{"backend": ' + "[" * 100_000 + "]" * 100_000 + "}")
    case.needles.append("nested too deeply")
    return case


# --- numeric options ---------------------------------------------------------------------
def record_port_70000(tmp: Path) -> Case:
    args: list[str | Path] = ["record", "--app-port", "8001", "--port", "70000"]
    return Case(KEPLOY, [*args, "--test-dir", tmp / "api"], ["--port", "1-65535", "70000"])


def record_duration_negative(tmp: Path) -> Case:
    args: list[str | Path] = ["record", "--app-port", "8001", "--duration", "-1"]
    return Case(KEPLOY, [*args, "--test-dir", tmp / "api"], ["--duration", "'-1'"])


def replay_delay_nan(tmp: Path) -> Case:
    return Case(KEPLOY, ["test", "--test-dir", _suite(tmp), "--delay", "nan", *BASE],
                ["--delay", "'nan'"])  # fmt: skip


def config_port_zero(tmp: Path) -> Case:
    return _config_test(tmp, "config:\n  ports: [8000, 0]\n", "config.ports")


def stack_redis_port_zero(tmp: Path) -> Case:
    return Case(TOOLING, ["stack", "up", "--redis-port=0", f"--root={tmp}"],
                ["--redis-port", "1-65535"])  # fmt: skip


def stack_logs_lines_word(tmp: Path) -> Case:
    return Case(TOOLING, ["stack", "logs", "--lines=abc", f"--root={tmp}"], ["--lines", "'abc'"])


def invoke_record_port_zero(tmp: Path) -> Case:
    return Case("invoke", ["-r", ROOT, "keploy.record", "--port", "0"], ["--port"])


def invoke_record_duration_negative(tmp: Path) -> Case:
    return Case("invoke", ["-r", ROOT, "keploy.record", "--duration", "-1"], ["--duration"])


def invoke_stack_logs_lines_word(tmp: Path) -> Case:
    return Case("invoke", ["-r", ROOT, "stack.logs", "--lines", "abc"], ["--lines"])


# --- state files, folders, encodings -----------------------------------------------------
def state_port_as_string(tmp: Path) -> Case:
    case = _state(tmp, _services(port="6390"), "down")
    case.needles.append("services[0].port: expected an integer, got '6390'")
    return case


def state_port_as_bool(tmp: Path) -> Case:
    case = _state(tmp, _services(port=True), "logs")
    case.needles.append("services[0].port: expected an integer, got True")
    return case


def state_port_out_of_range(tmp: Path) -> Case:
    case = _state(tmp, _services(port=70000))
    case.needles.append("services[0].port: 70000 is not 1-65535")
    return case


def state_not_json(tmp: Path) -> Case:
    return _state(tmp, "{not json", "down")


def record_test_dir_is_a_file(tmp: Path) -> Case:
    afile = tmp / "afile"
    afile.write_text("not a folder\n")
    args: list[str | Path] = ["record", "--app-port", "8001", "--test-dir", afile]
    return Case(KEPLOY, args, [f"{afile}: not a directory"])


def audit_requirements_not_utf8(tmp: Path) -> Case:
    requirements = tmp / "requirements.txt"
    requirements.write_bytes(b"requests==2.0\n\xff\xfe caf\xe9\n")
    return Case(TOOLING, ["audit", f"--requirements={requirements}", "--osv-url=http://127.0.0.1:9/q"],
                [str(requirements)])  # fmt: skip


CASES: dict[str, Callable[[Path], Case]] = {
    function.__name__: function
    for function in (
        oversized_config_at_the_default_limit,
        oversized_yaml_case,
        oversized_json_report,
        endless_config,
        oversized_json_state,
        oversized_jsonl_workload,
        alias_bomb_config,
        recursive_alias_config,
        alias_bomb_case,
        alias_bomb_report,
        deep_yaml_config,
        deep_json_case,
        deep_json_state,
        record_port_70000,
        record_duration_negative,
        replay_delay_nan,
        config_port_zero,
        stack_redis_port_zero,
        stack_logs_lines_word,
        invoke_record_port_zero,
        invoke_record_duration_negative,
        invoke_stack_logs_lines_word,
        state_port_as_string,
        state_port_as_bool,
        state_port_out_of_range,
        state_not_json,
        record_test_dir_is_a_file,
        audit_requirements_not_utf8,
    )
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    case = CASES[name](tmp_path)
    done = run_cli(case.module, *case.args, env=case.env)
    assert_one_line_error(done, *case.needles)
