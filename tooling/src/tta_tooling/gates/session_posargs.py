"""The posargs each session accepts from a workflow or a VS Code task.

The policy (``@ci_posargs`` in noxfile.py, read by AST) is shared with the MCP
server's ``run_gate``: see :mod:`tta_tooling.posargs_policy`.
"""

from __future__ import annotations

from tta_tooling.posargs_policy import DECORATOR, allowed_posargs, refused_posargs

__all__ = ["DECORATOR", "allowed_posargs", "refused_posargs"]
