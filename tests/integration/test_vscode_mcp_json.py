"""`.vscode/mcp.json` starts the gate server as VS Code would, with no uv on PATH.

After the README's set-up uv lives in `.nox/uv/bin`, which is not on PATH; the
server's command must still start and answer `initialize` (real MCP SDK client
over stdio, the transport VS Code uses).
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import json5
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from tta_tooling.uv_binary import README_UV

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]


def _path_without_uv() -> str:
    """PATH with every directory that holds a uv removed, as on a machine without uv."""
    kept = [
        d for d in os.environ.get("PATH", "").split(os.pathsep) if not shutil.which("uv", path=d)
    ]
    return os.pathsep.join(kept)


def _expand(value: str) -> str:
    return value.replace("${workspaceFolder}", str(REPO_ROOT))


def test_the_configured_server_answers_initialize_without_uv_on_path() -> None:
    if not (REPO_ROOT / README_UV).is_file():
        pytest.fail(f"{README_UV} is missing: run the README's first command", pytrace=False)
    config = json5.loads((REPO_ROOT / ".vscode/mcp.json").read_text(encoding="utf-8"))
    server = config["servers"]["tta-gates"]
    env = {k: v for k, v in os.environ.items() if k not in {"UV", "VIRTUAL_ENV"}}
    env["PATH"] = _path_without_uv()
    assert shutil.which("uv", path=env["PATH"]) is None
    parameters = StdioServerParameters(
        command=_expand(server["command"]),
        args=[_expand(arg) for arg in server["args"]],
        env=env,
        cwd=REPO_ROOT,
    )

    async def initialize() -> tuple[str, list[str]]:
        async with stdio_client(parameters) as (read, write), ClientSession(read, write) as session:
            result = await asyncio.wait_for(session.initialize(), timeout=120)
            tools = await session.list_tools()
            return result.server_info.name, [tool.name for tool in tools.tools]

    name, tools = asyncio.run(initialize())
    assert name
    assert {"list_gates", "run_gate", "gate_report"} <= set(tools)
