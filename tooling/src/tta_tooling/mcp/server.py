"""The MCP server exposing the gates to coding agents, over stdio (official ``mcp`` SDK).

Lifetime: SIGTERM, SIGINT, the end of stdin and a client's ``notifications/cancelled``
all end a running gate's whole process group (:mod:`~tta_tooling.mcp.process_tree`)
before the server returns; :func:`serve` returns the exit status (0, or 130 after SIGINT).
"""

from __future__ import annotations

import json
import signal
import sys
from contextlib import AbstractContextManager, nullcontext
from importlib import metadata
from pathlib import Path
from typing import Any, cast

import anyio
import anyio.abc
import mcp_types as types
from mcp.server import Server
from mcp.server.context import CallNext, ServerRequestContext
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError

from tta_tooling.child_lifetime import children_directory, owned_children
from tta_tooling.errors import InputError
from tta_tooling.mcp.bounded import abridged, quoted
from tta_tooling.mcp.stdin_lines import stdin_lines
from tta_tooling.mcp.tools import (
    GateTool,
    ServerSettings,
    ToolCall,
    ToolRefusal,
    listed_definitions,
    load_tools,
)
from tta_tooling.stop_guard import EXIT_AFTER_SIGINT, guard, release

SERVER_NAME = "tta-gates"
INSTRUCTIONS = (
    "Every quality gate of this repository is one nox session. list_gates shows them, "
    "run_gate runs one (as CI does), gate_report reads the results gates wrote. "
    "Run the gate that covers your change before proposing it; AGENTS.md says which."
)


def build_server(root: Path, settings: ServerSettings | None = None) -> Server[Any]:
    """A low-level SDK server whose tools answer about the repository at ``root``."""
    tools = load_tools()
    chosen = settings or ServerSettings()

    async def list_tools(
        _: ServerRequestContext[Any], __: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listed_definitions(tools, root))

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        tool = tools.get(params.name)
        if tool is None:
            return _error(f"unknown tool {quoted(params.name)}; tools: {', '.join(sorted(tools))}")
        call = ToolCall(root, dict(params.arguments or {}), chosen, ctx.session.report_progress)
        return await _call(tool, call)

    server: Server[Any] = Server(
        SERVER_NAME,
        version=metadata.version("tta-tooling"),
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
    server.middleware.append(_capped_protocol_errors)
    return server


async def _capped_protocol_errors(ctx: ServerRequestContext[Any], call_next: CallNext) -> Any:
    """The SDK's own errors capped too: ``Method not found`` quotes the whole method name."""
    try:
        return await call_next(ctx)
    except MCPError as error:
        data = abridged(error.data) if isinstance(error.data, str) else error.data
        raise MCPError(error.code, abridged(error.message), data) from None


async def _call(tool: GateTool, call: ToolCall) -> types.CallToolResult:
    problem = tool.arguments_problem(call.arguments)
    if problem is not None:
        return _error(f"{tool.definition.name}: {problem}", ran=False)
    try:
        result = await tool.handler(call)
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
    """A refusal: the message capped, the same text in the content and the structured result."""
    result = {"error": abridged(message), **details}
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(result, indent=2))],
        structured_content=result,
        is_error=True,
    )


def serve(root: Path, settings: ServerSettings | None = None) -> int:
    """Serve the gates of ``root`` over stdin/stdout until stdin ends or a signal arrives.

    The gates' processes are this server's own: what a SIGKILLed predecessor left is
    swept first, and whatever a gate left is killed when the server exits.
    """
    with owned_children(children_directory(root)):
        return anyio.run(_serve, root, settings or ServerSettings())


async def _serve(root: Path, settings: ServerSettings) -> int:
    server = build_server(root, settings)
    received: list[int] = []
    with _stop_signals() as signals:
        if signals is None:
            release()  # Windows: Ctrl-C's KeyboardInterrupt ends the running gate on its way
        async with anyio.create_task_group() as tasks:
            if signals is not None:
                tasks.start_soon(_stop_on_first, signals, tasks.cancel_scope, received)
            async with (
                stdin_lines() as lines,
                # stdio_server only iterates its stdin: the daemon-thread lines serve.
                stdio_server(stdin=cast("anyio.AsyncFile[str]", lines)) as (reader, writer),
            ):
                await server.run(reader, writer, server.create_initialization_options())
            tasks.cancel_scope.cancel()
    # AnyIO put the default handlers back. The gates are ended; a later stop exits at
    # once, and the next server sweeps whatever still carries this server's token.
    guard()
    return EXIT_AFTER_SIGINT if signal.SIGINT in received else 0


def _stop_signals() -> AbstractContextManager[Any]:
    """SIGTERM, SIGHUP and SIGINT as a stream while serving (Windows: none, Ctrl-C
    interrupts)."""
    if sys.platform == "win32":
        return nullcontext(None)
    return anyio.open_signal_receiver(signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


async def _stop_on_first(signals: Any, scope: anyio.CancelScope, received: list[int]) -> None:
    """Cancel the serving on the first signal; later ones are received and ignored while
    the running gate is ended."""
    async for signum in signals:
        received.append(signum)
        scope.cancel()
        return
