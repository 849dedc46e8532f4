"""The MCP server exposing the gates to coding agents, over stdio (official ``mcp`` SDK)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server
from mcp.server.context import ServerRequestContext
from mcp.server.stdio import stdio_server

from tta_tooling.errors import InputError
from tta_tooling.mcp.tools import GateTool, ToolRefusal, load_tools

SERVER_NAME = "tta-gates"
INSTRUCTIONS = (
    "Every quality gate of this repository is one nox session. list_gates shows them, "
    "run_gate runs one (as CI does), gate_report reads the results gates wrote. "
    "Run the gate that covers your change before proposing it; AGENTS.md says which."
)


def build_server(root: Path) -> Server[Any]:
    """A low-level SDK server whose tools answer about the repository at ``root``."""
    tools = load_tools()

    async def list_tools(
        _: ServerRequestContext[Any], __: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[tool.definition for tool in tools.values()])

    async def call_tool(
        _: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        tool = tools.get(params.name)
        if tool is None:
            return _error(f"unknown tool {params.name!r}; tools: {', '.join(sorted(tools))}")
        return await _call(root, tool, dict(params.arguments or {}))

    return Server(
        SERVER_NAME,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def _call(root: Path, tool: GateTool, arguments: dict[str, Any]) -> types.CallToolResult:
    problem = tool.arguments_problem(arguments)
    if problem is not None:
        return _error(f"{tool.definition.name}: {problem}", ran=False)
    try:
        result = await tool.handler(root, arguments)
    except ToolRefusal as refusal:
        return _error(str(refusal), **refusal.details)
    except InputError as error:
        return _error(str(error))
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(result, indent=2))],
        structured_content=result,
        is_error=False,
    )


def _error(message: str, **details: Any) -> types.CallToolResult:
    result = {"error": message, **details}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(result, indent=2))],
        structured_content=result,
        is_error=True,
    )


def serve(root: Path) -> None:
    """Serve the gates of ``root`` over stdin/stdout until the client disconnects."""

    async def main() -> None:
        server = build_server(root)
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(main)
