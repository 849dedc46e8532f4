"""Probes an agent (or a prompt injection reaching it) could send to weaken a gate, each
kind in several variants, through the SDK's client in process: every one is refused,
nothing runs, and the answer stays under 8 KiB.

The sessions probed are the tiny repository's (each with its own allow-list, or none)
and the repository's own. The allowed arguments that do run are in test_server.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp import Client
from tta_tooling.mcp.catalog import list_gates
from tta_tooling.mcp.server import build_server
from tta_tooling.mcp.tools import ServerSettings

from ....common.repository_files import REPO_ROOT

ANSWER_LIMIT = 8 * 1024
MEGABYTE = 1_000_000

# kind -> argument lists; each list is one call of run_gate.
PROBES: dict[str, list[list[str]]] = {
    "exit-zero": [["--exit-zero"], ["--exit-zero=true"], ["--exit-zero", "src"]],
    "output-file": [
        ["--output-file=/tmp/anywhere.txt"],
        ["--output-file", "/tmp/anywhere.txt"],
        ["-o/tmp/anywhere.txt"],
    ],
    "other-conftest": [
        ["../other/conftest.py"],
        ["/tmp/elsewhere/conftest.py"],
        ["tests/../../outside/conftest.py"],
    ],
    "plugin": [["-p", "no:cacheprovider"], ["-pno:warnings"], ["-p=evil_plugin"]],
    "config": [["-c", "/dev/null"], ["-c/dev/null"], ["--config-file=/tmp/x.ini"]],
    "rootdir": [["--rootdir=/"], ["--rootdir", "/tmp"], ["--rootdir=.."]],
    "confcutdir": [["--confcutdir=/"], ["--confcutdir", ".."], ["--confcutdir=/tmp"]],
    "ini-override": [
        ["-o", "addopts="],
        ["-oaddopts=-p no:cov"],
        ["--override-ini=python_files=nothing"],
    ],
    "pyargs": [["--pyargs"], ["--pyargs", "os"], ["--pyargs=evil"]],
    "argsfile": [["@args.txt"], ["@/tmp/args"], ["@../args"]],
    "basetemp": [["--basetemp=/"], ["--basetemp", "/"], ["--basetemp=/tmp/../"]],
    "nul-newline": [["3\x00--exit-zero"], ["3\n"], ["--loud\n--exit-zero"], ["made\rit"]],
    "megabyte": [["3" * MEGABYTE], ["a" * MEGABYTE], ["--loud", "\u00e9" * (MEGABYTE // 2)]],
}
CASES = [(kind, args) for kind, variants in PROBES.items() for args in variants]
IDS = [f"{kind}-{n}" for kind, variants in PROBES.items() for n in range(len(variants))]


def _answer_size(result: types.CallToolResult) -> int:
    return len(result.model_dump_json(by_alias=True, exclude_none=True).encode("utf-8"))


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _assert_refused(result: types.CallToolResult, args: list[str]) -> None:
    refusal = result.structured_content or {}
    assert result.is_error, refusal
    assert refusal["ran"] is False
    assert "exit_status" not in refusal
    assert _answer_size(result) < ANSWER_LIMIT
    assert json.loads(result.content[0].text) == refusal  # type: ignore[union-attr]
    if sum(map(len, args)) < 1000:  # the policy names the argument; the schema the size
        assert repr(next(a for a in args if a != "--loud"))[:40] in refusal["error"]


@pytest.fixture
def client(tiny_repo: Path, tiny_catalog: list[dict[str, Any]]) -> Client:
    settings = ServerSettings(catalog=lambda _: tiny_catalog)
    return Client(build_server(tiny_repo, settings), mode="legacy")


@pytest.mark.parametrize(("kind", "args"), CASES, ids=IDS)
async def test_a_probe_is_refused_for_every_tiny_session(
    client: Client, tiny_repo: Path, kind: str, args: list[str]
) -> None:
    async with client:
        results = [
            await client.call_tool("run_gate", {"session": session, "args": args})
            for session in ("hello", "touch", "bare", "sleepy")
        ]
    for result in results:
        _assert_refused(result, args)
    assert _files(tiny_repo) == ["noxfile.py"], kind


@pytest.fixture(scope="session")
def repository_catalog() -> list[dict[str, Any]]:
    """The repository's own gates, listed by nox once per test session."""
    return list_gates(REPO_ROOT)


@pytest.mark.parametrize("kind", sorted(PROBES))
async def test_a_probe_is_refused_for_every_repository_session(
    repository_catalog: list[dict[str, Any]], kind: str
) -> None:
    settings = ServerSettings(catalog=lambda _: repository_catalog)
    sessions = sorted({entry["session"] for entry in repository_catalog})
    variants = PROBES[kind]
    async with Client(build_server(REPO_ROOT, settings), mode="legacy") as client:
        for number, session in enumerate(sessions):  # each variant in turn, on every third
            args = variants[number % len(variants)]
            result = await client.call_tool("run_gate", {"session": session, "args": args})
            _assert_refused(result, args)
