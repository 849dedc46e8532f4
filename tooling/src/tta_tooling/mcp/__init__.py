"""The MCP server exposing the gates to coding agents, and the checks of its agent files.

Modules: ``server`` (the stdio server and its tools), ``catalog`` (``list_gates``),
``gate_runner`` (``run_gate``), ``gate_report``, ``agent_files`` and ``live_check``
(what ``nox -s mcp`` checks). Nothing is imported here: the MCP SDK takes seconds to
import, and every ``tta-tooling`` command loads this package to register its own.
"""
