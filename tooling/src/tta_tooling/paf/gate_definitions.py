"""Every gate is a nox session and CI and VS Code only call nox: ``tta-tooling check-gates``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tta_tooling.reporting import Finding


def check_gate_definitions(root: Path) -> list[Finding]:
    """Run ``tta-tooling check-gates`` on ``root``; each line it reports is one finding."""
    command = [sys.executable, "-m", "tta_tooling", "check-gates", "--root", str(root)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=root)
    if done.returncode == 0:
        return []
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    detail = lines or [f"exited {done.returncode} with no output"]
    return [Finding(file="tta-tooling check-gates", message=line) for line in detail]
