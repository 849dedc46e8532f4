"""Prove that CI and VS Code run exactly the gates noxfile.py defines, and cannot hide a failure.

Workflows (:mod:`~tta_tooling.gates.workflows`) and VS Code tasks
(:mod:`~tta_tooling.gates.vscode_tasks`) may only set up the environment and run
nox pinned to uv.lock's version (:mod:`~tta_tooling.gates.nox_pins`). Every
default session must be run by a workflow triggered on every pull request
and offered by a VS Code task; every other session must be run by some workflow.
"""

from __future__ import annotations

from pathlib import Path

from tta_tooling.gates.ci_entry import check_ci_entry
from tta_tooling.gates.nox_pins import check_text_pins, locked_nox_version
from tta_tooling.gates.nox_sessions import SessionCatalog
from tta_tooling.gates.script_rules import Rules
from tta_tooling.gates.session_posargs import allowed_posargs
from tta_tooling.gates.vscode_tasks import TASKS_FILE, check_vscode_tasks
from tta_tooling.gates.workflows import WORKFLOWS_DIR, check_workflows
from tta_tooling.reporting import Finding


def check_gates(root: Path, catalog: SessionCatalog) -> list[Finding]:
    """Every drift between the noxfile and the workflows / VS Code tasks under ``root``."""
    version = locked_nox_version(root)
    rules = Rules(catalog, allowed_posargs(root / "noxfile.py"), version)
    findings, workflows = check_workflows(root, rules)
    tasks = check_vscode_tasks(root, rules)
    findings.extend(tasks.findings)
    findings.extend(check_text_pins(root, version))
    findings.extend(check_ci_entry(root))
    for session in catalog.sessions:
        if session.default and session.name not in workflows.gating:
            findings.append(
                Finding(
                    WORKFLOWS_DIR,
                    f"default session {session.name!r} is run by no workflow on every pull request",
                )
            )
        elif not session.default and session.name not in workflows.anywhere:
            findings.append(
                Finding(WORKFLOWS_DIR, f"session {session.name!r} is run by no workflow")
            )
        if session.default and session.name not in tasks.runs:
            findings.append(
                Finding(TASKS_FILE, f"default session {session.name!r} has no VS Code task")
            )
    return findings
