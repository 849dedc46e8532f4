"""Stack state lives in an owner-only folder; ``down`` deletes only a workdir ``up`` made
and marked, and ``logs`` prints only log files inside it (a planted state file gets exit 2)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from tta_tooling.stack.state import (
    StackState,
    default_state_path,
    new_workdir,
    private_directory,
    save,
)

from ..conftest import run_in_process

PRIVATE_TEXT = "canary-not-for-stack-logs"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _plant(state_path: Path, workdir: Path | str | None, log: Path | str | None = None) -> None:
    services = [
        {"name": "redis", "env": "REDIS_URL", "port": 1, "url": "redis://x", "log": str(log)}
    ]
    document = {
        "backend": "native",
        "workdir": None if workdir is None else str(workdir),
        "services": services if log is not None else [],
    }
    state_path.write_text(json.dumps(document), encoding="utf-8")


def _stack(root: Path, *args: str) -> tuple[int, str, str]:
    done = run_in_process("stack", *args, f"--root={root}", f"--state={default_state_path(root)}")
    return done.returncode, done.stdout, done.stderr


def test_the_default_state_is_owner_only_under_the_repository(tmp_path: Path) -> None:
    path = default_state_path(tmp_path)
    assert path == tmp_path.resolve() / ".nox" / "stack" / "state.json"
    assert _mode(path.parent) == 0o700
    path.parent.chmod(0o755)
    private_directory(tmp_path)
    assert _mode(path.parent) == 0o700
    save(StackState("native", None, ()), path)
    assert _mode(path) == 0o600


def test_a_workdir_up_made_is_marked_and_down_removes_it(tmp_path: Path) -> None:
    workdir = new_workdir(tmp_path)
    assert workdir.parent == private_directory(tmp_path)
    assert _mode(workdir) == 0o700
    _plant(default_state_path(tmp_path), workdir)
    code, _, err = _stack(tmp_path, "down")
    assert code == 0, err
    assert not workdir.exists()
    assert not default_state_path(tmp_path).exists()


@pytest.mark.parametrize("form", ["outside-marked", "inside-unmarked", "symlink-to-outside"])
def test_down_refuses_a_workdir_it_did_not_make(tmp_path: Path, form: str) -> None:
    root, victim = tmp_path / "repo", tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("precious", encoding="utf-8")
    planted: Path = victim
    if form == "outside-marked":
        (victim / ".tta-stack-workdir").write_text("forged", encoding="utf-8")
    elif form == "inside-unmarked":
        planted = private_directory(root) / "native-forged"
        planted.mkdir()
        (planted / "keep.txt").write_text("precious", encoding="utf-8")
    else:
        (victim / ".tta-stack-workdir").write_text("forged", encoding="utf-8")
        planted = private_directory(root) / "native-link"
        planted.symlink_to(victim)
    _plant(default_state_path(root), planted)
    code, _, err = _stack(root, "down")
    assert code == 2
    [line] = err.splitlines()
    assert str(default_state_path(root)) in line
    assert "workdir:" in line
    assert (planted / "keep.txt").read_text(encoding="utf-8") == "precious"
    assert (victim / "keep.txt").exists()


@pytest.mark.parametrize("form", ["absolute-outside", "dot-dot", "symlink-inside"])
def test_logs_refuses_a_file_outside_the_workdir(tmp_path: Path, form: str) -> None:
    root = tmp_path / "repo"
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(PRIVATE_TEXT + "\n", encoding="utf-8")
    workdir = new_workdir(root)
    log: Path | str = outside
    if form == "dot-dot":
        log = f"{workdir}/../../../elsewhere.txt"
    elif form == "symlink-inside":
        log = workdir / "redis.log"
        log.symlink_to(outside)
    _plant(default_state_path(root), workdir, log)
    code, out, err = _stack(root, "logs")
    assert code == 2
    [line] = err.splitlines()
    assert "services.redis.log:" in line
    assert PRIVATE_TEXT not in out + err


def test_logs_reads_a_log_inside_the_workdir(tmp_path: Path) -> None:
    workdir = new_workdir(tmp_path)
    (workdir / "redis.log").write_text("ready to accept connections\n", encoding="utf-8")
    _plant(default_state_path(tmp_path), workdir, workdir / "redis.log")
    code, out, err = _stack(tmp_path, "logs")
    assert code == 0, err
    assert "ready to accept connections" in out


def test_logs_refuses_a_log_when_the_workdir_is_forged(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "redis.log").write_text(PRIVATE_TEXT, encoding="utf-8")
    _plant(default_state_path(tmp_path / "repo"), victim, victim / "redis.log")
    code, out, err = _stack(tmp_path / "repo", "logs")
    assert code == 2
    assert "workdir:" in err
    assert PRIVATE_TEXT not in out + err
    assert os.path.exists(victim)
