"""``run_gate``: one catalog session run through nox, never through a shell."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tta_tooling.mcp.catalog import nox_command

MAX_ARGS, MAX_ARG_LENGTH = 32, 512
TAIL_LINES = 60
_KEPT_BYTES = 1 << 20
# Characters a shell would interpret; nothing here runs a shell, but an argument
# carrying one is a sign the caller meant something other than an argument.
SHELL_METACHARACTERS = frozenset(";&|$`<>(){}[]*?!~#'\"\\\n\r\t\0")
_SESSION_NAME = re.compile(r"^[A-Za-z0-9_.\-]+(\([^()]*\))?$")


class RefusedRequest(ValueError):
    """A request ``run_gate`` will not run; the message says why."""


@dataclass(frozen=True, slots=True)
class GateRun:
    """What one run of a session produced."""

    session: str
    command: list[str]
    exit_status: int
    duration_seconds: float
    output_tail: list[str]
    timed_out: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The run as the tool's structured result."""
        return {
            "session": self.session,
            "command": self.command,
            "exit_status": self.exit_status,
            "passed": self.exit_status == 0,
            "duration_seconds": round(self.duration_seconds, 3),
            "timed_out": self.timed_out,
            "output_tail": self.output_tail,
        }


def validate_request(session: str, args: Sequence[str], known: Collection[str]) -> None:
    """Refuse a session outside ``known`` or arguments a shell would interpret."""
    if session not in known or not _SESSION_NAME.match(session):
        raise RefusedRequest(
            f"unknown session {session!r}; known sessions: {', '.join(sorted(known))}"
        )
    if len(args) > MAX_ARGS:
        raise RefusedRequest(f"{len(args)} arguments; at most {MAX_ARGS} are accepted")
    for arg in args:
        bad = sorted(set(arg) & SHELL_METACHARACTERS)
        if bad:
            shown = " ".join(repr(c) for c in bad)
            raise RefusedRequest(f"argument {arg!r} contains shell metacharacters: {shown}")
        if len(arg) > MAX_ARG_LENGTH:
            raise RefusedRequest(f"an argument is {len(arg)} characters; at most {MAX_ARG_LENGTH}")


async def run_gate(
    root: Path, session: str, args: Sequence[str], known: Collection[str], limit_seconds: float
) -> GateRun:
    """Run ``nox -s session -- args`` in ``root``; the child is killed past the limit or on
    cancellation."""
    validate_request(session, args, known)
    command = nox_command(root, "-s", session, *(["--", *args] if args else []))
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=root,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    output = bytearray()

    async def read() -> None:
        assert process.stdout is not None
        while chunk := await process.stdout.read(65536):
            output.extend(chunk)
            del output[:-_KEPT_BYTES]

    reader = asyncio.create_task(read())
    timed_out = False
    try:
        async with asyncio.timeout(limit_seconds):
            await reader
            await process.wait()
    except TimeoutError:
        timed_out = True
    finally:
        if process.returncode is None:
            _kill(process)
            await process.wait()
        # Without process groups (Windows) a grandchild may keep the pipe open.
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
    lines = output.decode("utf-8", errors="replace").splitlines()
    return GateRun(
        session=session,
        command=command,
        exit_status=process.returncode if process.returncode is not None else -1,
        duration_seconds=time.perf_counter() - started,
        output_tail=lines[-TAIL_LINES:],
        timed_out=timed_out,
    )


def _kill(process: asyncio.subprocess.Process) -> None:
    """Kill the session's whole process group (nox and the tools it started)."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        return
