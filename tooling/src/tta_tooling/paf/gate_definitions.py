"""Every gate is a nox session and CI and VS Code only call nox: ``tta-tooling check-gates``."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.reporting import Finding

COMMAND = "tta-tooling check-gates"

ToolingMain = Callable[[Sequence[str]], int]
"""``tta_tooling.cli.main``: handed down by the dispatcher, as no family imports another."""


def check_gate_definitions(root: Path, tooling: ToolingMain) -> list[Finding]:
    """Run ``tta-tooling check-gates --root <root>`` in-process; each line it reports is a finding.

    Its exit 1 means gate drift; any other failure (unreadable input) is passed
    on as an :class:`InputError` carrying its last line.
    """
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = tooling(["check-gates", "--root", str(root)])
    lines = [line for line in (out.getvalue() + err.getvalue()).splitlines() if line.strip()]
    if code == 0:
        return []
    if code != 1:
        last = lines[-1] if lines else "no output"
        raise InputError(COMMAND, f"exited {code}: {last}")
    return [Finding(file=COMMAND, message=line) for line in lines]
