"""The tools the server exposes: their definitions (``schemas/tools/*.json``) and handlers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import anyio.to_thread
import jsonschema
import mcp_types as types

from tta_tooling.mcp.catalog import list_gates
from tta_tooling.mcp.gate_report import gate_report
from tta_tooling.mcp.gate_runner import RefusedRequest, run_gate

Handler = Callable[[Path, dict[str, Any]], Awaitable[dict[str, Any]]]
TOOL_DEFINITIONS = "schemas/tools"


class ToolRefusal(Exception):
    """A call the tool refuses; the message and details go back to the caller."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


@dataclass(frozen=True, slots=True)
class GateTool:
    """One tool: its MCP definition and the coroutine that answers a call."""

    definition: types.Tool
    handler: Handler

    def arguments_problem(self, arguments: dict[str, Any]) -> str | None:
        """Why ``arguments`` cannot be accepted by the tool's input schema, or None."""
        schema = self.definition.input_schema
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as invalid:
            return f"the tool's own input schema is invalid: {invalid.message}"
        validator = jsonschema.Draft202012Validator(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(arguments))
        if error is None:
            return None
        where = ".".join(map(str, error.absolute_path)) or "arguments"
        return f"invalid arguments: {where}: {error.message}"


async def _list_gates(root: Path, _: dict[str, Any]) -> dict[str, Any]:
    return {"gates": await anyio.to_thread.run_sync(list_gates, root)}


async def _run_gate(root: Path, arguments: dict[str, Any]) -> dict[str, Any]:
    catalog = await anyio.to_thread.run_sync(list_gates, root)
    known = {entry["session"] for entry in catalog} | {entry["name"] for entry in catalog}
    session, args = arguments["session"], list(arguments.get("args", []))
    try:
        run = await run_gate(
            root, session, args, known, float(arguments.get("timeout_seconds", 1800))
        )
    except RefusedRequest as refusal:
        raise ToolRefusal(str(refusal), ran=False, known_sessions=sorted(known)) from refusal
    return run.as_dict()


async def _gate_report(root: Path, _: dict[str, Any]) -> dict[str, Any]:
    return await anyio.to_thread.run_sync(gate_report, root)


_HANDLERS: dict[str, Handler] = {
    "gate_report": _gate_report,
    "list_gates": _list_gates,
    "run_gate": _run_gate,
}


def load_tools() -> dict[str, GateTool]:
    """Every tool definition shipped with the server, by name, with its handler."""
    tools = {}
    folder = resources.files("tta_tooling.mcp").joinpath(TOOL_DEFINITIONS)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        definition = types.Tool.model_validate(json.loads(entry.read_text(encoding="utf-8")))
        tools[definition.name] = GateTool(definition, _HANDLERS[definition.name])
    return tools
