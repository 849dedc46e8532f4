"""The server as the official MCP Inspector sees it (``@modelcontextprotocol/inspector --cli``,
the TypeScript SDK's client, installed by npx from the npm registry).

Run by the opt-in ``mcp-clients`` session (``.ci/run`` and the MCP workflow run it),
not by the default ``integration`` session: it needs Node.js. Where npx is absent the
run stops with exit status 2 and one line saying what to install; it never passes by
skipping, and anywhere npx exists it runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

TINY_NOXFILE = Path(__file__).parents[1] / "unit" / "tooling" / "mcp" / "tiny_noxfile.py"
INSPECTOR = "@modelcontextprotocol/inspector@0.15.0"
INSPECTOR_SECONDS = 600
NO_NODE = (
    "mcp-clients: Node.js is missing (npx is not on PATH): install Node.js 18 or later "
    "(Debian: apt-get install nodejs npm; others: https://nodejs.org), then run it again"
)


@pytest.fixture(scope="module")
def npx() -> str:
    path = shutil.which("npx")
    if path is None:
        pytest.exit(NO_NODE, returncode=2)
    return path


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    shutil.copy2(TINY_NOXFILE, tmp_path / "noxfile.py")
    return tmp_path


def _inspect(npx: str, root: Path, *request: str) -> dict[str, Any]:
    server = [sys.executable, "-m", "tta_tooling", "mcp", "--root", str(root)]
    done = subprocess.run(
        [npx, "--yes", INSPECTOR, "--cli", *server, *request],
        capture_output=True,
        text=True,
        timeout=INSPECTOR_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def _run_gate(npx: str, root: Path, session: str, args: list[str]) -> dict[str, Any]:
    return _inspect(
        npx,
        root,
        "--method=tools/call",
        "--tool-name=run_gate",
        f"--tool-arg=session={session}",
        f"--tool-arg=args={json.dumps(args)}",
    )


def test_the_inspector_lists_the_tools_and_what_run_gate_accepts(npx: str, tiny_repo: Path) -> None:
    tools = {t["name"]: t for t in _inspect(npx, tiny_repo, "--method=tools/list")["tools"]}
    assert sorted(tools) == ["gate_report", "list_gates", "run_gate"]
    assert "hello: '[0-9]', '--loud'" in tools["run_gate"]["description"]


def test_the_inspector_is_refused_a_weakening_argument(npx: str, tiny_repo: Path) -> None:
    answer = _run_gate(npx, tiny_repo, "touch", ["--exit-zero"])
    assert answer["isError"] is True
    assert answer["structuredContent"]["ran"] is False
    assert (
        "'--exit-zero' is not allowed for session 'touch'" in answer["structuredContent"]["error"]
    )
    # Listing the sessions imports noxfile.py (Python may cache its bytecode beside it),
    # and the server keeps its owner record in .nox/children; the refused gate itself
    # created nothing: no session venv in .nox, no file of the session's.
    created = sorted(p.name for p in tiny_repo.iterdir() if p.name not in {"__pycache__", ".nox"})
    assert created == ["noxfile.py"]
    nox_dir = tiny_repo / ".nox"
    assert not nox_dir.exists() or [p.name for p in nox_dir.iterdir()] == ["children"]


def test_the_inspector_runs_a_gate_with_an_allowed_argument(npx: str, tiny_repo: Path) -> None:
    answer = _run_gate(npx, tiny_repo, "touch", ["made-by-inspector"])
    assert answer.get("isError") is not True, answer
    assert answer["structuredContent"]["exit_status"] == 0
    assert (tiny_repo / "made-by-inspector").read_text() == "ran"
