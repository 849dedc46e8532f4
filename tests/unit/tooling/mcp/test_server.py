"""The server's tools through the SDK's in-process client."""

from __future__ import annotations

from pathlib import Path

import jsonschema
from mcp import Client
from tta_tooling.mcp.live_check import _check_tools
from tta_tooling.mcp.server import build_server


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_tools_are_listed_with_valid_input_schemas(tiny_repo: Path) -> None:
    async with Client(build_server(tiny_repo)) as client:
        tools = (await client.list_tools()).tools
    assert sorted(t.name for t in tools) == ["gate_report", "list_gates", "run_gate"]
    for tool in tools:
        jsonschema.Draft202012Validator.check_schema(tool.input_schema)
        assert tool.description


async def test_list_gates_marks_the_defaults(tiny_repo: Path) -> None:
    async with Client(build_server(tiny_repo)) as client:
        result = await client.call_tool("list_gates", {})
    gates = {g["session"]: g for g in (result.structured_content or {})["gates"]}
    assert not result.is_error
    assert (gates["hello"]["default"], gates["sleepy"]["default"]) == (True, False)
    assert gates["hello"]["tags"] == ["quality"]
    assert gates["sleepy"]["description"] == "Sleep far longer than any test waits."


async def test_run_gate_refuses_and_runs_nothing(tiny_repo: Path) -> None:
    async with Client(build_server(tiny_repo)) as client:
        unknown = await client.call_tool("run_gate", {"session": "rm"})
        shell = await client.call_tool("run_gate", {"session": "touch", "args": ["m;touch x"]})
        extra = await client.call_tool("run_gate", {"session": "touch", "shell": True})
    assert unknown.is_error
    assert unknown.structured_content == {
        "error": "unknown session 'rm'; known sessions: hello, sleepy, touch",
        "ran": False,
        "known_sessions": ["hello", "sleepy", "touch"],
    }
    assert shell.is_error
    assert (shell.structured_content or {})["error"] == (
        "argument 'm;touch x' contains shell metacharacters: ';'"
    )
    assert extra.is_error
    assert "invalid arguments" in (extra.structured_content or {})["error"]
    assert _names(tiny_repo) == ["noxfile.py"]


async def test_run_gate_and_gate_report(tiny_repo: Path) -> None:
    async with Client(build_server(tiny_repo)) as client:
        run = await client.call_tool("run_gate", {"session": "touch", "args": ["made"]})
        report = await client.call_tool("gate_report", {})
    assert not run.is_error
    assert (run.structured_content or {})["exit_status"] == 0
    assert (tiny_repo / "made").is_file()
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
