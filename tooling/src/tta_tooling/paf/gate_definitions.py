"""Every gate is a nox session and CI and VS Code only call nox: ``tta-tooling check-gates``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.reporting import Finding

COMMAND = "tta-tooling check-gates"


def check_gate_definitions(root: Path) -> list[Finding]:
    """Run ``tta-tooling check-gates`` in ``root``; each line it reports is one finding.

    Its exit 1 means gate drift; any other failure (unreadable input) is passed
    on as an :class:`InputError` carrying its last line.
    """
    command = [sys.executable, "-m", "tta_tooling", "check-gates"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=root)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    if done.returncode == 0:
        return []
    if done.returncode != 1:
        last = lines[-1] if lines else "no output"
        raise InputError(COMMAND, f"exited {done.returncode}: {last}")
    return [Finding(file=COMMAND, message=line) for line in lines]
