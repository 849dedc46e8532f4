"""The README's Quick start works in a fresh clone on an "externally managed" Python.

Debian and Ubuntu mark their system Python with PEP 668's EXTERNALLY-MANAGED
file, so `pip install uv` into it fails. The test builds such a Python (this
interpreter's binary beside a standard library that carries the marker),
proves the marker bites, then runs the README's commands in a fresh clone
with that Python first on PATH. The nox part runs `ci-config` instead of every
gate, which would run this test again.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO_ROOT = Path(__file__).resolve().parents[2]
_COMMAND = re.compile(r"^python3 -m pip .+ && \S+ tool run (?:--[\w-]+ )*nox@\S+(?: .*)?$")


def _quick_start_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def _externally_managed_python(root: Path) -> Path:
    """A Python installation (not a venv) whose stdlib holds an EXTERNALLY-MANAGED marker."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    base = Path(sys.base_prefix)
    (root / "bin").mkdir(parents=True)
    shutil.copy2(
        Path(getattr(sys, "_base_executable", sys.executable)).resolve(), root / "bin/python3"
    )
    for entry in (base / "lib").iterdir():
        if entry.name != version:
            (root / "lib" / entry.name).parent.mkdir(exist_ok=True)
            (root / "lib" / entry.name).symlink_to(entry)
    stdlib = root / "lib" / version
    stdlib.mkdir()
    for entry in (base / "lib" / version).iterdir():
        (stdlib / entry.name).symlink_to(entry)
    (stdlib / "EXTERNALLY-MANAGED").write_text(
        "[externally-managed]\nError=This Python is managed by the system (PEP 668 test).\n",
        encoding="utf-8",
    )
    return root / "bin"


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_readme_commands_pass_in_a_fresh_clone_with_pep_668(tmp_path: Path) -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2, commands
    for command in commands:
        assert _COMMAND.match(command), command
    install = commands[0].split(" && ")[0]
    assert all(c.split(" && ")[0] == install for c in commands), commands

    bindir = _externally_managed_python(tmp_path / "system-python")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(REPO_ROOT), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"

    refused = _run("python3 -m pip install uv", clone, env)
    assert refused.returncode != 0
    assert "externally-managed-environment" in refused.stdout + refused.stderr

    words = shlex.split(commands[1].split(" && ")[1])
    launcher = words[: next(i for i, w in enumerate(words) if w.startswith("nox@")) + 1]
    done = _run(f"{install} && {shlex.join(launcher)} -s ci-config", clone, env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "CI configuration: no problems" in output
    assert "Session ci-config was successful" in output
