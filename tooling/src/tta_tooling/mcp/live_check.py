"""The server checked as an agent meets it: started over stdio through the SDK's client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import jsonschema
from mcp import Client, StdioServerParameters
from tta_process_support.child_lifetime import dies_with_parent

from tta_tooling.mcp.catalog import nox_command
from tta_tooling.mcp.tools import TOOL_DEFINITIONS
from tta_tooling.reporting import Finding

EXPECTED_TOOLS = frozenset({"list_gates", "run_gate", "gate_report"})
SMOKE_SESSION, SMOKE_ARGS = "lint", ["--statistics"]
REFUSALS = (
    ({"session": "no-such-gate"}, "unknown session"),
    ({"session": SMOKE_SESSION, "args": ["--exit-zero"]}, "is not allowed for session"),
)
_LISTED_FIELDS = ("session", "name", "description", "python", "tags")
_SERVER = "MCP server"
READ_TIMEOUT_SECONDS = 900.0


def check_live_server(root: Path) -> list[Finding]:
    """Start ``tta-tooling mcp`` on ``root`` and check its tools; one finding per problem."""
    return anyio.run(_check, root)


async def _check(root: Path) -> list[Finding]:
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "tta_tooling", "mcp", "--root", str(root)],
        cwd=str(root),
        env=dict(os.environ),
    )
    findings: list[Finding] = []
    try:
        async with Client(
            server, read_timeout_seconds=READ_TIMEOUT_SECONDS, mode="legacy"
        ) as client:
            tools = (await client.list_tools()).tools
            findings += _check_tools(root, {tool.name: tool.input_schema for tool in tools})
            if not findings:
                findings += await _check_calls(root, client)
    except Exception as error:  # any failure to serve is the finding itself
        findings.append(Finding(_SERVER, f"did not serve over stdio: {error!r}"))
    return findings


def _check_tools(root: Path, schemas: dict[str, dict[str, Any]]) -> list[Finding]:
    findings = [
        Finding(_SERVER, f"tool {name} is missing from tools/list")
        for name in sorted(EXPECTED_TOOLS - schemas.keys())
    ]
    for name, schema in sorted(schemas.items()):
        where = _definition_file(root, name)
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            field = ".".join(map(str, error.absolute_path)) or "(top level)"
            findings.append(
                Finding(where, f"tool {name}: invalid input schema at {field}: {error.message}")
            )
            continue
        if schema.get("type") != "object":
            findings.append(Finding(where, f"tool {name}: input schema type is not object"))
    return findings


async def _check_calls(root: Path, client: Client) -> list[Finding]:
    findings = []
    listed = await client.call_tool("list_gates", {})
    gates = (listed.structured_content or {}).get("gates", [])
    expected = await anyio.to_thread.run_sync(_nox_json, root)
    got = _comparable([g for g in gates if g.get("default")])
    if listed.is_error or got != _comparable(expected):
        findings.append(
            Finding(
                _SERVER,
                f"list_gates defaults {sorted(got)} != `nox --list --json` "
                f"{sorted(_comparable(expected))}",
            )
        )
    messages: list[str | None] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        messages.append(message)

    smoke = await client.call_tool(
        "run_gate", {"session": SMOKE_SESSION, "args": SMOKE_ARGS}, progress_callback=on_progress
    )
    run = smoke.structured_content or {}
    if smoke.is_error or run.get("exit_status") != 0 or not run.get("output_tail"):
        findings.append(
            Finding(_SERVER, f"run_gate {SMOKE_SESSION} {SMOKE_ARGS} did not pass: {run}")
        )
    if not messages:
        findings.append(Finding(_SERVER, "run_gate sent no progress notification"))
    for arguments, reason in REFUSALS:
        refused = await client.call_tool("run_gate", arguments)
        text = json.dumps(refused.structured_content)
        if not refused.is_error or reason not in text or "exit_status" in text:
            findings.append(Finding(_SERVER, f"run_gate {arguments} was not refused: {text}"))
    return findings


def _nox_json(root: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        nox_command(root, "--list", "--json"),
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        preexec_fn=dies_with_parent(),
    )
    listing: list[dict[str, Any]] = json.loads(done.stdout)
    return listing


def _comparable(entries: list[dict[str, Any]]) -> set[str]:
    return {json.dumps({k: e.get(k) for k in _LISTED_FIELDS}, sort_keys=True) for e in entries}


def _definition_file(root: Path, tool: str) -> str:
    path = Path(__file__).parent / TOOL_DEFINITIONS / f"{tool}.json"
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
