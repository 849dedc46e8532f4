"""Security probes through the real commands, at least three variants of each:

- the replayer refuses a recorded target that would change scheme, userinfo, host or port
  (``@``, ``//``, ``\\``, an absolute URL, control characters), and nothing reaches the host
  it names;
- the MCP server (a real stdio process spoken to by the MCP SDK client) refuses gate
  arguments that name a path outside the repository, load a plugin (``-p``) or a config
  (``-c``), or write a file (``--output-file``), before anything runs;
- the ``secrets`` gate reads comment lines, in artifact folders as elsewhere;
- the stack's state lives in an owner-only folder, ``down`` deletes only a workdir ``up``
  marked, and ``logs`` prints only logs inside it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from tta_tooling.stack.binaries import redis_server_binary

from ..unit.tooling.secrets.conftest import Canaries, git
from .conftest import assert_one_line_error, run_cli

ROOT = Path(__file__).parents[2]
FIXTURE_CASE = (
    ROOT / "tests/unit/keploy_framework/fixtures/flask-redis/test-set-0/tests/test-1.yaml"
)
RECORDED_URL = "        url: http://localhost:5000/books/\n"


# --- the replayer ------------------------------------------------------------------------
@pytest.fixture
def listeners() -> Iterator[tuple[socket.socket, socket.socket]]:
    """The app's port and another host's port: either would see a request sent anywhere."""
    with (
        socket.create_server(("127.0.0.1", 0)) as app,
        socket.create_server(("127.0.0.1", 0)) as elsewhere,
    ):
        app.setblocking(False)
        elsewhere.setblocking(False)
        yield app, elsewhere


UNSAFE_TARGETS = {
    "userinfo": ["@127.0.0.1:{port}/steal", "user:pw@127.0.0.1:{port}/x", "%40127.0.0.1:{port}/"],
    "authority": ["//127.0.0.1:{port}/x", "http://localhost:5000//127.0.0.1:{port}/", "///h"],
    "backslash": ["/\\127.0.0.1:{port}/x", "\\\\127.0.0.1:{port}/x", "/%5C127.0.0.1:{port}"],
    "absolute": [
        "http:http://127.0.0.1:{port}/x",
        "/http://127.0.0.1:{port}/",
        "http://h/https://127.0.0.1:{port}",
    ],
    "control": ["/books\r\nHost: 127.0.0.1:{port}", "/books\x00", "/books%0d%0aHost:%20evil"],
}


def _accepted(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


@pytest.mark.parametrize(
    "template",
    [
        pytest.param(t, id=f"{form}-{i}")
        for form, ts in UNSAFE_TARGETS.items()
        for i, t in enumerate(ts)
    ],
)
def test_the_replayer_refuses_a_target_that_leaves_the_base_url(
    tmp_path: Path, listeners: tuple[socket.socket, socket.socket], template: str
) -> None:
    app, elsewhere = listeners
    url = template.format(port=elsewhere.getsockname()[1])
    case = tmp_path / "api" / "test-set-0" / "tests" / "test-1.yaml"
    case.parent.mkdir(parents=True)
    case.write_text(
        FIXTURE_CASE.read_text().replace(RECORDED_URL, f"        url: {json.dumps(url)}\n")
    )
    base = f"http://127.0.0.1:{app.getsockname()[1]}"
    done = run_cli(
        "keploy_framework.cli", "test", "--test-dir", tmp_path / "api", "--base-url", base
    )
    assert_one_line_error(done, str(case), "spec.req.url")
    assert not _accepted(elsewhere), "a request reached the other host"
    assert not _accepted(app), "a refused case was sent to the app"


# --- the MCP server ----------------------------------------------------------------------
OUTSIDE = "/tmp/tta-faults-outside"
MCP_PROBES = {
    "outside-path": [
        ("tests-3.11", [f"{OUTSIDE}/test_evil.py"]),
        ("tests-3.11", ["../outside/test_evil.py"]),
        ("api", [f"--reports-dir={OUTSIDE}"]),
    ],
    "plugin": [
        ("tests-3.11", ["-p", "evil_plugin"]),
        ("tests-3.11", ["-pevil_plugin"]),
        ("tests-3.11", ["-p=evil_plugin"]),
    ],
    "config": [
        ("tests-3.11", ["-c", f"{OUTSIDE}/pytest.ini"]),
        ("tests-3.11", [f"-c{OUTSIDE}/pytest.ini"]),
        ("lint", [f"--config={OUTSIDE}/ruff.toml"]),
    ],
    "output-file": [
        ("lint", [f"--output-file={OUTSIDE}/out.txt"]),
        ("lint", ["--output-file", f"{OUTSIDE}/out.txt"]),
        ("tests-3.11", [f"--junitxml={OUTSIDE}/junit.xml"]),
    ],
}


async def _call_each(probes: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
    parameters = StdioServerParameters(
        command=sys.executable,
        args=["-m", "tta_tooling", "mcp", "--root", str(ROOT)],
        env=dict(os.environ),
    )
    answers = []
    async with stdio_client(parameters) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        for name, args in probes:
            result = await session.call_tool("run_gate", {"session": name, "args": args})
            answers.append({"is_error": result.is_error, **(result.structured_content or {})})
    return answers


def test_the_mcp_server_refuses_gate_arguments_that_reach_outside_the_repository() -> None:
    probes = [probe for variants in MCP_PROBES.values() for probe in variants]
    answers = anyio.run(_call_each, probes)
    for (name, args), answer in zip(probes, answers, strict=True):
        assert answer["is_error"], (name, args, answer)
        assert answer["ran"] is False, (name, args, answer)
        assert f"{args[0]!r}" in answer["error"], (name, args, answer)  # names the argument
        assert "exit_status" not in answer, f"{name} {args} ran: {answer}"
    assert not Path(OUTSIDE).exists()


# --- the secrets gate --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text", "tracked"),
    [
        ("tests/api/test-set-0/tests/test-1.yaml", "kind: Http\n# key: {aws}\n", False),
        ("tests/api/test-set-0/new.yaml", "a: 1\nb: 2  # {aws}\n", False),
        (".nox/reports/summary.json", '{{\n  // {aws}\n  "total": 1\n}}\n', False),
        ("deploy/values.yaml", "replicas: 2\n# aws: {aws}\n", True),
        ("setup.cfg", "[metadata]\n; {aws}\n", True),
    ],
)
def test_the_secrets_gate_reads_comment_lines(
    secrets_repo: Path, name: str, text: str, tracked: bool
) -> None:
    path = secrets_repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.format(aws=Canaries.aws_key), encoding="utf-8")
    if tracked:
        git(secrets_repo, "add", name)
    done = run_cli("tta_tooling", "secrets", "--root", secrets_repo)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{name}:2: AWS Access Key" in done.stdout + done.stderr
    assert Canaries.aws_key not in done.stdout + done.stderr


# --- the stack's state -------------------------------------------------------------------
def _stack(root: Path, *args: str) -> Any:
    bin_dir = root.parent / "bin"
    if not bin_dir.is_dir():
        bin_dir.mkdir()
        shutil.copy2(redis_server_binary(embedded=True), bin_dir / "redis-server")
    return run_cli("tta_tooling", "stack", *args, f"--root={root}", env={"PATH": str(bin_dir)})


def test_the_stack_state_is_private(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    done = _stack(root, "up", "--backend=native", "--service=redis")
    try:
        assert done.returncode == 0, done.stderr
        private = root / ".nox" / "stack"
        assert stat.S_IMODE(private.stat().st_mode) == 0o700
        assert stat.S_IMODE((private / "state.json").stat().st_mode) == 0o600
        (workdir,) = private.glob("native-*")
        assert stat.S_IMODE(workdir.stat().st_mode) == 0o700
    finally:
        assert _stack(root, "down").returncode == 0


def _forge(root: Path, workdir: Path | str | None, log: str | None = None) -> Path:
    private = root / ".nox" / "stack"
    private.mkdir(parents=True, exist_ok=True)
    service = {"name": "redis", "env": "REDIS_URL", "port": 6390, "url": "redis://x", "log": log}
    state = {"backend": "native", "workdir": None if workdir is None else str(workdir),
             "services": [service]}  # fmt: skip
    (private / "state.json").write_text(json.dumps(state), encoding="utf-8")
    return private


@pytest.mark.parametrize("where", ["outside", "unmarked-inside", "symlink-inside"])
def test_down_removes_only_a_workdir_up_marked(tmp_path: Path, where: str) -> None:
    root = tmp_path / "repo"
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("keep\n")
    private = root / ".nox" / "stack"
    private.mkdir(parents=True)
    workdir = {
        "outside": victim,
        "unmarked-inside": private / "native-planted",
        "symlink-inside": private / "native-link",
    }[where]
    if where == "unmarked-inside":
        workdir.mkdir()
        (workdir / "keep.txt").write_text("keep\n")
    elif where == "symlink-inside":
        workdir.symlink_to(victim)
    _forge(root, workdir)
    done = _stack(root, "down")
    assert_one_line_error(done, "workdir", "was not made by `stack up`")
    assert (victim / "keep.txt").is_file()
    assert (workdir / "keep.txt").is_file()


@pytest.mark.parametrize("log", ["/etc/passwd", "{workdir}/../../../../secret.txt", "{link}"])
def test_logs_prints_only_logs_inside_the_workdir(tmp_path: Path, log: str) -> None:
    root = tmp_path / "repo"
    secret = tmp_path / "secret.txt"
    secret.write_text("do not print\n")
    private = root / ".nox" / "stack"
    workdir = private / "native-x"
    workdir.mkdir(parents=True)
    (workdir / ".tta-stack-workdir").write_text("made by `tta-tooling stack up`\n")
    (workdir / "link.log").symlink_to(secret)
    path = log.format(workdir=workdir, link=workdir / "link.log")
    _forge(root, workdir, path)
    done = _stack(root, "logs")
    assert_one_line_error(done, "services.redis.log", "is not inside the stack's workdir")
    assert "do not print" not in done.stdout + done.stderr
    assert "root:" not in done.stdout
