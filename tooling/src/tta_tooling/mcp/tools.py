"""The tools the server exposes: their definitions (``schemas/tools/*.json``) and handlers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import anyio.to_thread
import jsonschema
import mcp_types as types

from tta_tooling.errors import InputError
from tta_tooling.mcp.bounded import abridged
from tta_tooling.mcp.catalog import list_gates
from tta_tooling.mcp.gate_report import gate_report
from tta_tooling.mcp.gate_runner import (
    ProgressSink,
    RefusedRequest,
    RunLimits,
    check_request,
    run_gate,
)
from tta_tooling.mcp.timing import KILL_GRACE_SECONDS, PROGRESS_SECONDS
from tta_tooling.posargs_policy import DECORATOR, Patterns, allowed_posargs, pattern_list

TOOL_DEFINITIONS = "schemas/tools"
_SCHEMA_MESSAGE_LIMIT = 300
Catalog = Callable[[Path], list[dict[str, Any]]]


class ToolRefusal(Exception):
    """A call the tool refuses; the message and details go back to the caller."""

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details = details


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What the server's owner may tune: progress interval, kill grace, the catalog source."""

    progress_seconds: float = PROGRESS_SECONDS
    kill_grace_seconds: float = KILL_GRACE_SECONDS
    catalog: Catalog = list_gates


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One call of a tool: where, with what, and where its progress goes."""

    root: Path
    arguments: dict[str, Any]
    settings: ServerSettings
    progress: ProgressSink | None = None


Handler = Callable[[ToolCall], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class GateTool:
    """One tool: its MCP definition and the coroutine that answers a call."""

    definition: types.Tool
    handler: Handler

    def arguments_problem(self, arguments: dict[str, Any]) -> str | None:
        """Why ``arguments`` cannot be accepted by the tool's input schema, or None."""
        validator = _validator(json.dumps(self.definition.input_schema, sort_keys=True))
        if isinstance(validator, str):
            return f"the tool's own input schema is invalid: {validator}"
        error = jsonschema.exceptions.best_match(validator.iter_errors(arguments))
        if error is None:
            return None
        where = abridged(".".join(map(str, error.absolute_path)) or "arguments", 100)
        return f"invalid arguments: {where}: {abridged(error.message, _SCHEMA_MESSAGE_LIMIT)}"


@lru_cache(maxsize=32)
def _validator(schema: str) -> jsonschema.Draft202012Validator | str:
    """A validator for the JSON ``schema``, or why the schema itself is invalid.

    Checking a schema against the metaschema takes milliseconds; each tool's
    schema is checked once per process, not on every call.
    """
    loaded = json.loads(schema)
    try:
        jsonschema.Draft202012Validator.check_schema(loaded)
    except jsonschema.SchemaError as invalid:
        return invalid.message
    return jsonschema.Draft202012Validator(loaded)


def posargs_note(policy: Mapping[str, Patterns]) -> str:
    """What ``run_gate`` accepts as ``args``, session by session, for its description."""
    allowed = "; ".join(f"{name}: {pattern_list(policy[name])}" for name in sorted(policy))
    return (
        f"Allowed args: those the session's @{DECORATOR} in noxfile.py allows, each matching "
        "one of its patterns in full; the same allow-list CI is held to, with no local "
        "exception. Whatever the patterns say, an argument holding a control character or "
        f"starting with @ (a response file) is refused. Now: {allowed or 'none'}; every "
        "other session: none. Any other "
        "argument is refused and nothing runs."
    )


def listed_definitions(tools: Mapping[str, GateTool], root: Path) -> list[types.Tool]:
    """The definitions ``tools/list`` answers; run_gate's description says which args it takes."""
    try:
        note = posargs_note(allowed_posargs(root / "noxfile.py"))
    except InputError as error:
        note = abridged(f"Allowed args cannot be read ({error}): every argument is refused.")
    return [
        tool.definition.model_copy(update={"description": f"{tool.definition.description} {note}"})
        if name == "run_gate"
        else tool.definition
        for name, tool in tools.items()
    ]


async def _list_gates(call: ToolCall) -> dict[str, Any]:
    catalog = await anyio.to_thread.run_sync(call.settings.catalog, call.root)
    policy = await anyio.to_thread.run_sync(allowed_posargs, call.root / "noxfile.py")
    return {
        "gates": [
            {**entry, "allowed_args": [p.pattern for p in policy.get(entry["name"], ())]}
            for entry in catalog
        ]
    }


async def _run_gate(call: ToolCall) -> dict[str, Any]:
    catalog = await anyio.to_thread.run_sync(call.settings.catalog, call.root)
    policy = await anyio.to_thread.run_sync(allowed_posargs, call.root / "noxfile.py")
    base_names = {entry["session"]: entry["name"] for entry in catalog}
    base_names.update({entry["name"]: entry["name"] for entry in catalog})
    session, args = call.arguments["session"], list(call.arguments.get("args", []))
    try:
        check_request(session, args, base_names, policy)
    except RefusedRequest as refusal:
        raise ToolRefusal(str(refusal), ran=False, known_sessions=sorted(base_names)) from refusal
    limits = RunLimits(
        timeout_seconds=float(call.arguments.get("timeout_seconds", 1800)),
        progress_seconds=call.settings.progress_seconds,
        kill_grace_seconds=call.settings.kill_grace_seconds,
    )
    run = await run_gate(call.root, session, args, limits, call.progress)
    return run.as_dict()


async def _gate_report(call: ToolCall) -> dict[str, Any]:
    return await anyio.to_thread.run_sync(gate_report, call.root)


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
