"""The state file (atomic, round-trips) and the generated native Prometheus config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tta_tooling.errors import InputError
from tta_tooling.stack.prometheus_config import native_config
from tta_tooling.stack.state import ServiceRecord, StackState, default_state_path, load, save

from ..conftest import run_in_process

MONITORING = Path(__file__).resolve().parents[4] / "monitoring"


def test_state_round_trips_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    state = StackState(
        "native",
        str(tmp_path / "work"),
        (ServiceRecord("redis", "REDIS_URL", 6390, "redis://127.0.0.1:6390/0", 42, 1.5, "r.log"),),
    )
    path = tmp_path / "nested" / "state.json"
    save(state, path)
    save(state, path)
    assert load(path) == state
    assert [p.name for p in path.parent.iterdir()] == ["state.json"]
    assert state.exports() == ["export REDIS_URL=redis://127.0.0.1:6390/0"]


def test_missing_state_is_none_and_bad_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    assert load(path) is None
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="unreadable stack state"):
        load(path)
    path.write_text('{"backend": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(InputError, match="unreadable stack state: nested too deeply"):
        load(path)


def test_each_repository_has_its_own_default_state_path(tmp_path: Path) -> None:
    first, second = default_state_path(tmp_path / "a"), default_state_path(tmp_path / "b")
    assert first != second
    assert first == default_state_path(tmp_path / "a" / ".." / "a")


def test_native_config_targets_the_loopback_ports_and_absolute_rules() -> None:
    config = yaml.safe_load(
        native_config(MONITORING / "prometheus.yml", prometheus_port=19090, app_port=18000)
    )
    targets = {job["job_name"]: job["static_configs"] for job in config["scrape_configs"]}
    assert targets == {
        "prometheus": [{"targets": ["127.0.0.1:19090"]}],
        "tta-api": [{"targets": ["127.0.0.1:18000"]}],
    }
    assert config["rule_files"] == [str(MONITORING / "rules/*.yml")]


def test_native_config_needs_both_jobs(tmp_path: Path) -> None:
    source = tmp_path / "prometheus.yml"
    source.write_text("scrape_configs:\n  - job_name: prometheus\n", encoding="utf-8")
    with pytest.raises(InputError, match="scrape_configs: no job named tta-api"):
        native_config(source, prometheus_port=1, app_port=2)
    source.write_text("scrape_configs: {}\n", encoding="utf-8")
    with pytest.raises(InputError, match="scrape_configs: missing or not a list"):
        native_config(source, prometheus_port=1, app_port=2)


_GOOD_SERVICE = {"name": "redis", "env": "REDIS_URL", "port": 6390, "url": "redis://x"}


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "document: expected an object"),
        ({"workdir": None, "services": []}, "backend: missing"),
        ({"backend": 3, "workdir": None, "services": []}, "backend: expected a string, got 3"),
        ({"backend": "native", "services": []}, "workdir: missing"),
        ({"backend": "native", "workdir": 7, "services": []}, "workdir: expected a string or null"),
        ({"backend": "native", "workdir": None, "services": {}}, "services: expected a list"),
        ({"backend": "native", "workdir": None, "services": ["redis"]}, "services[0]: expected"),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "port": "6390"}]},
            "services[0].port: expected an integer, got '6390'",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "port": True}]},
            "services[0].port: expected an integer, got True",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "port": 70000}]},
            "services[0].port: 70000 is not 1-65535",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "pid": "42"}]},
            "services[0].pid: expected an integer or null, got '42'",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "pid": -1}]},
            "services[0].pid: -1 is not a process id",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "pid": 0}]},
            "services[0].pid: 0 is not a process id",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "log": ["a"]}]},
            "services[0].log: expected a string or null",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "started": "x"}]},
            "services[0].started: expected an integer or a number or null, got 'x'",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{"name": "redis"}]},
            "services[0].env: missing",
        ),
        (
            {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "colour": 1}]},
            "services[0].colour: unknown field",
        ),
    ],
)
def test_a_state_field_of_the_wrong_type_is_named(
    tmp_path: Path, document: object, problem: str
) -> None:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load(path)
    assert str(raised.value).startswith(f"{path}: malformed stack state: {problem}")


def test_a_wrong_field_type_reaches_the_cli_as_one_line(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    document = {"backend": "native", "workdir": None, "services": [{**_GOOD_SERVICE, "port": "x"}]}
    path.write_text(json.dumps(document), encoding="utf-8")
    for action in ("status", "logs", "down"):
        done = run_in_process("stack", action, f"--root={tmp_path}", f"--state={path}")
        assert done.returncode == 2
        assert done.stderr.splitlines() == [
            f"error: {path}: malformed stack state: services[0].port: expected an integer, got 'x'"
        ]
