"""Prove that CI and VS Code run exactly the gates noxfile.py defines, and cannot hide a failure.

Workflows (:mod:`~tta_tooling.gates.workflows`) and VS Code tasks
(:mod:`~tta_tooling.gates.vscode_tasks`) may only set up the environment and run
nox pinned to uv.lock's version (:mod:`~tta_tooling.gates.nox_pins`). Every
default session must be run by a workflow on every pull request to main (one
tagged ``portable`` on Linux, macOS and Windows runners) and offered by a VS Code
task; every other session must be run by some workflow.
The gates cannot be weakened from inside either: noxfile.py
(:mod:`~tta_tooling.gates.noxfile_rules`), the pytest configuration
(:mod:`~tta_tooling.gates.pytest_rules`) and the ruff and mypy configuration
(:mod:`~tta_tooling.gates.tool_config_rules`) are checked too.
"""

from __future__ import annotations

from pathlib import Path

from tta_tooling.gates.ci_entry import check_ci_entry
from tta_tooling.gates.coverage_rules import check_stages
from tta_tooling.gates.file_level_ignores import check_file_level_ignores
from tta_tooling.gates.gate_floors import check_floors
from tta_tooling.gates.nox_pins import check_text_pins, locked_nox_version
from tta_tooling.gates.nox_sessions import SessionCatalog
from tta_tooling.gates.noxfile_rules import NOXFILE, check_noxfile
from tta_tooling.gates.pytest_rules import check_pytest_config
from tta_tooling.gates.script_rules import Rules
from tta_tooling.gates.selftest_rows import check_row_proofs
from tta_tooling.gates.session_posargs import allowed_posargs
from tta_tooling.gates.startup_files import check_startup_files
from tta_tooling.gates.tool_config_rules import check_tool_config
from tta_tooling.gates.vscode_tasks import check_vscode_tasks
from tta_tooling.gates.workflows import check_workflows
from tta_tooling.reporting import Finding

PORTABLE = "portable"
RUNNER_SYSTEMS = ("Linux", "macOS", "Windows")


def check_gates(root: Path, catalog: SessionCatalog) -> list[Finding]:
    """Every drift between the noxfile and the workflows / VS Code tasks under ``root``."""
    version = locked_nox_version(root)
    rules = Rules(catalog, allowed_posargs(root / "noxfile.py"), version)
    findings, workflows = check_workflows(root, rules)
    tasks = check_vscode_tasks(root, rules)
    findings.extend(tasks.findings)
    findings.extend(check_text_pins(root, version))
    findings.extend(check_ci_entry(root))
    noxfile = check_noxfile(root)
    findings.extend(noxfile.findings)
    findings.extend(check_pytest_config(root))
    findings.extend(check_tool_config(root))
    findings.extend(check_stages(root))
    findings.extend(check_file_level_ignores(root))
    findings.extend(check_startup_files(root))
    findings.extend(check_row_proofs(root, catalog))
    findings.extend(check_floors(root, catalog, noxfile.session_lines))
    for session in catalog.sessions:
        line = noxfile.session_lines.get(session.base_name)
        if session.default and session.name not in workflows.gating:
            where = workflows.not_on_pull_requests.get(session.name)
            reason = f": {where.message}" if where else ""
            findings.append(
                Finding(
                    where.file if where else NOXFILE,
                    f"default session {session.name!r} is run by no workflow on every pull "
                    f"request to main{reason}",
                    where.line if where else line,
                    where.where if where else "",
                )
            )
        elif not session.default and session.name not in workflows.anywhere:
            findings.append(
                Finding(NOXFILE, f"session {session.name!r} is run by no workflow", line)
            )
        systems = workflows.gating_systems.get(session.name, set())
        if session.default and PORTABLE in session.tags and session.name in workflows.gating:
            missing = [s for s in RUNNER_SYSTEMS if s not in systems]
            if missing:
                job = workflows.gating_jobs[session.name]
                findings.append(
                    Finding(
                        job.file,
                        f"portable session {session.name!r} is run on pull requests by no "
                        f"workflow on {', '.join(missing)}",
                        job.line,
                        job.where,
                    )
                )
        if session.default and session.name not in tasks.runs:
            findings.append(
                Finding(NOXFILE, f"default session {session.name!r} has no VS Code task", line)
            )
    return findings
