"""The MCP server exposing the gates to coding agents, and the checks of its agent files."""

from tta_tooling.mcp.agent_files import check_agent_files
from tta_tooling.mcp.catalog import list_gates
from tta_tooling.mcp.gate_report import gate_report
from tta_tooling.mcp.gate_runner import GateRun, RefusedRequest, run_gate, validate_request
from tta_tooling.mcp.live_check import check_live_server
from tta_tooling.mcp.server import build_server, serve

__all__ = [
    "GateRun",
    "RefusedRequest",
    "build_server",
    "check_agent_files",
    "check_live_server",
    "gate_report",
    "list_gates",
    "run_gate",
    "serve",
    "validate_request",
]
