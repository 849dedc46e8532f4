"""The server's tools through the SDK's client, in process (JSON-RPC over memory streams).

The catalog is the tiny repository's, listed by nox once per test session; no test
here starts a gate except those marked ``smoke``.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

import anyio
import jsonschema
import mcp_types as types
import pytest
from mcp import Client
from tta_tooling.mcp.catalog import list_gates
from tta_tooling.mcp.live_check import _check_tools
from tta_tooling.mcp.server import build_server
from tta_tooling.mcp.tools import ServerSettings

from ....common.repository_files import REPO_ROOT

# Ways to weaken a gate from its command line; no session of the tiny noxfile allows them.
WEAKENING = [
    "--exit-zero",
    "--output-file=/tmp/anywhere.txt",
    "../other/conftest.py",
    "-p",
    "no:cacheprovider",
    "-c",
    "/dev/null",
    "--config=ruff.toml",
]
ANSWER_LIMIT = 8 * 1024


@pytest.fixture
def client(tiny_repo: Path, tiny_catalog: list[dict[str, Any]]) -> Client:
    settings = ServerSettings(0.2, kill_grace_seconds=0.2, catalog=lambda _: tiny_catalog)
    return Client(build_server(tiny_repo, settings), mode="legacy")


def _answer_size(result: types.CallToolResult) -> int:
    return len(result.model_dump_json(by_alias=True, exclude_none=True).encode("utf-8"))


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_tools_are_listed_with_valid_input_schemas(client: Client) -> None:
    async with client:
        tools = (await client.list_tools()).tools
        version = client.server_info.version if client.server_info else None
    assert sorted(t.name for t in tools) == ["gate_report", "list_gates", "run_gate"]
    for tool in tools:
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)
        assert tool.description
    assert version == metadata.version("tta-tooling")


async def test_run_gate_says_which_arguments_each_session_takes(client: Client) -> None:
    async with client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert (tools["run_gate"].description or "").endswith(
        "Now: hello: '[0-9]', '--loud'; sleepy: '--ticks'; touch: '[a-z][a-z-]*'; every other "
        "session: none. Any other argument is refused and nothing runs."
    )


async def test_list_gates_marks_defaults_and_allowed_args(client: Client) -> None:
    async with client:
        result = await client.call_tool("list_gates", {})
    gates = {g["session"]: g for g in (result.structured_content or {})["gates"]}
    assert not result.is_error
    assert (gates["hello"]["default"], gates["sleepy"]["default"]) == (True, False)
    assert gates["hello"]["tags"] == ["quality"]
    assert gates["hello"]["allowed_args"] == ["[0-9]", "--loud"]
    assert gates["bare"]["allowed_args"] == []


@pytest.mark.parametrize("session", ["hello", "touch", "bare", "sleepy"])
async def test_weakening_arguments_are_refused_and_nothing_runs(
    client: Client, tiny_repo: Path, session: str
) -> None:
    async with client:
        results = [
            await client.call_tool("run_gate", {"session": session, "args": [arg]})
            for arg in WEAKENING
        ]
    for arg, result in zip(WEAKENING, results, strict=True):
        refusal = result.structured_content or {}
        assert result.is_error, refusal
        assert refusal["ran"] is False
        assert repr(arg) in refusal["error"]
        assert "exit_status" not in refusal
        assert json.loads(result.content[0].text) == refusal  # type: ignore[union-attr]
    assert _files(tiny_repo) == ["noxfile.py"]


@pytest.fixture(scope="session")
def repository_catalog() -> list[dict[str, Any]]:
    """The repository's own gates, listed by nox once per test session."""
    return list_gates(REPO_ROOT)


async def test_no_gate_of_the_repository_can_be_weakened(
    repository_catalog: list[dict[str, Any]],
) -> None:
    settings = ServerSettings(catalog=lambda _: repository_catalog)
    sessions = sorted({entry["session"] for entry in repository_catalog})
    assert {"lint", "format", "typecheck", "coverage", "mcp", "ci-config"} <= set(sessions)
    async with Client(build_server(REPO_ROOT, settings), mode="legacy") as client:
        for number, session in enumerate(sessions):
            args = [*WEAKENING[number % len(WEAKENING) :], *WEAKENING]  # each leads in turn
            result = await client.call_tool("run_gate", {"session": session, "args": args})
            refusal = result.structured_content or {}
            assert result.is_error, (session, refusal)
            assert refusal["ran"] is False
            assert repr(args[0]) in refusal["error"]


async def test_an_allowed_argument_after_a_refused_one_runs_nothing(
    client: Client, tiny_repo: Path
) -> None:
    async with client:
        result = await client.call_tool("run_gate", {"session": "touch", "args": ["ok", "-x"]})
    assert (result.structured_content or {})["error"].startswith("argument '-x' is not allowed")
    assert _files(tiny_repo) == ["noxfile.py"]


async def test_unknown_sessions_and_arguments_are_refused(client: Client, tiny_repo: Path) -> None:
    async with client:
        unknown = await client.call_tool("run_gate", {"session": "rm"})
        extra = await client.call_tool("run_gate", {"session": "touch", "shell": True})
    assert unknown.structured_content == {
        "error": "unknown session 'rm'; known sessions: bare, hello, sleepy, touch",
        "ran": False,
        "known_sessions": ["bare", "hello", "sleepy", "touch"],
    }
    assert extra.is_error
    assert (extra.structured_content or {})["error"] == (
        "run_gate: invalid arguments: arguments: Additional properties are not allowed "
        "('shell' was unexpected)"
    )
    assert _files(tiny_repo) == ["noxfile.py"]


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("run_gate", {"session": "s" * 1_000_000}),
        ("run_gate", {"session": "hello", "args": ["a" * 1_000_000]}),
        ("run_gate", {"session": "hello", "args": ["\x00" * 1_000_000]}),
        ("run_gate", {"session": "hello", "é" * 1_000_000: 1}),
        ("list_gates", {"k" * 1_000_000: 1}),
        ("t" * 1_000_000, {}),
    ],
    ids=["session", "argument", "nul-argument", "property", "list-gates-property", "tool"],
)
async def test_a_megabyte_argument_gives_an_answer_under_8_kib(
    client: Client, tiny_repo: Path, tool: str, arguments: dict[str, Any]
) -> None:
    async with client:
        result = await client.call_tool(tool, arguments)
    assert result.is_error
    assert _answer_size(result) < ANSWER_LIMIT
    assert "characters in total" in (result.structured_content or {})["error"]
    assert _files(tiny_repo) == ["noxfile.py"]


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("session", "args", "status", "shown"),
    [
        ("hello", ["--loud", "3"], 1, "args: ['--loud', '3']"),
        ("touch", ["made-by-gate"], 0, "Session touch was successful"),
        ("bare", [], 0, "Session bare was successful"),
    ],
)
async def test_an_allowed_argument_runs(
    client: Client, session: str, args: list[str], status: int, shown: str
) -> None:
    async with client:
        run = await client.call_tool("run_gate", {"session": session, "args": args})
    result = run.structured_content or {}
    assert not run.is_error, result
    assert result["exit_status"] == status, result
    assert result["passed"] is (status == 0)
    assert shown in result["output_tail"]
    assert json.loads(run.content[0].text) == result  # type: ignore[union-attr]


@pytest.mark.smoke
async def test_an_allowed_file_name_reaches_the_session(client: Client, tiny_repo: Path) -> None:
    async with client:
        await client.call_tool("run_gate", {"session": "touch", "args": ["made-by-gate"]})
    assert (tiny_repo / "made-by-gate").read_text() == "ran"


@pytest.mark.smoke
async def test_a_long_gate_reports_progress_to_a_client_that_asks(client: Client) -> None:
    messages: list[str | None] = []

    async with client, anyio.create_task_group() as tasks:

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            messages.append(message)
            if len(messages) >= 4 and (message or "").startswith("tick "):
                tasks.cancel_scope.cancel()  # seen enough: cancel the call

        with anyio.fail_after(60):
            await client.call_tool(
                "run_gate",
                {"session": "sleepy", "args": ["--ticks"]},
                progress_callback=on_progress,
            )
    assert messages[0] == "started"
    assert (messages[-1] or "").startswith("tick "), messages


async def test_gate_report_says_what_is_absent(client: Client) -> None:
    async with client:
        report = await client.call_tool("gate_report", {})
    assert (report.structured_content or {})["coverage"]["status"] == "absent"


def test_an_invalid_input_schema_is_named_with_its_field() -> None:
    findings = _check_tools(
        Path("/nonexistent"),
        {
            "list_gates": {"type": "object"},
            "run_gate": {"type": "object", "properties": {"args": {"type": "arry"}}},
            "gate_report": {"type": "string"},
        },
    )
    messages = [f.message for f in findings]
    assert messages == [
        "tool gate_report: input schema type is not object",
        "tool run_gate: invalid input schema at properties.args.type: 'arry' is not valid under "
        "any of the given schemas",
    ]
