"""``run_gate``: one catalog session run through nox, never through a shell.

What may be run is decided before anything starts: the session must be in the
catalog, and each argument must be allowed by the session's ``@ci_posargs``
(:mod:`tta_tooling.posargs_policy`, the policy ``check-gates`` holds CI to).
The run is one process group, ended whole on timeout or cancellation.
"""

from __future__ import annotations

import re
import shlex
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import anyio.abc

from tta_tooling.mcp.bounded import LINE_LIMIT, abridged, printable, quoted, tail
from tta_tooling.mcp.catalog import nox_command
from tta_tooling.mcp.process_tree import end_process_group, start_process_group
from tta_tooling.mcp.timing import KILL_GRACE_SECONDS, PROGRESS_SECONDS
from tta_tooling.posargs_policy import (
    DECORATOR,
    Patterns,
    never_accepted,
    pattern_list,
    refused_posargs,
)

_KEPT_BYTES = 1 << 20
_DRAIN_SECONDS = 2.0
_SESSION_NAME = re.compile(r"^[A-Za-z0-9_.\-]+(\([^()]*\))?$")

# (progress, total, message), as the SDK's ``report_progress`` takes them.
ProgressSink = Callable[[float, float | None, str | None], Awaitable[None]]


class RefusedRequest(ValueError):
    """A request ``run_gate`` will not run; the message says why."""


@dataclass(frozen=True, slots=True)
class RunLimits:
    """How long a run may take, how often it reports progress, how it is ended."""

    timeout_seconds: float
    progress_seconds: float = PROGRESS_SECONDS
    kill_grace_seconds: float = KILL_GRACE_SECONDS


@dataclass(frozen=True, slots=True)
class GateRun:
    """What one run of a session produced."""

    session: str
    command: list[str]
    exit_status: int
    duration_seconds: float
    output: str
    timed_out: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The run as the tool's structured result; the output is its capped tail."""
        return {
            "session": self.session,
            "command": abridged(shlex.join(self.command)),
            "exit_status": self.exit_status,
            "passed": self.exit_status == 0,
            "duration_seconds": round(self.duration_seconds, 3),
            "timed_out": self.timed_out,
            "output_characters": len(self.output),
            "output_tail": tail(self.output),
        }


def check_request(
    session: str,
    args: Sequence[str],
    base_names: Mapping[str, str],
    policy: Mapping[str, Patterns],
) -> None:
    """Refuse a session outside the catalog (``session -> base name``) or an argument
    its ``@ci_posargs`` does not allow; ``policy`` maps base names to their patterns."""
    base = base_names.get(session)
    if base is None or not _SESSION_NAME.match(session):
        known = ", ".join(sorted(base_names))
        raise RefusedRequest(
            abridged(f"unknown session {quoted(session)}; known sessions: {known}")
        )
    patterns = policy.get(base)
    refused = refused_posargs(args, patterns or ())
    if not refused:
        return
    reason = never_accepted(refused[0])
    if reason is not None:
        raise RefusedRequest(
            abridged(f"argument {quoted(refused[0])} is refused for every session: {reason}")
        )
    if not patterns:
        why = f"no @{DECORATOR}" if patterns is None else f"an empty @{DECORATOR}()"
        raise RefusedRequest(
            abridged(
                f"session {base!r} accepts no arguments (noxfile.py gives it {why}); "
                f"refused {quoted(refused[0])}"
            )
        )
    raise RefusedRequest(
        abridged(
            f"argument {quoted(refused[0])} is not allowed for session {base!r}: each "
            f"argument must match one of its @{DECORATOR} patterns in full: "
            f"{pattern_list(patterns)}"
        )
    )


async def run_gate(
    root: Path,
    session: str,
    args: Sequence[str],
    limits: RunLimits,
    progress: ProgressSink | None = None,
) -> GateRun:
    """Run ``nox -s session -- args`` in ``root``; the request has passed :func:`check_request`.

    The session's process group is ended (TERM, then KILL) past the time limit,
    when the caller is cancelled, and when it leaves processes behind.
    """
    command = nox_command(root, "-s", session, *(["--", *args] if args else []))
    output = _Output()
    started = time.perf_counter()
    with anyio.CancelScope(shield=True):  # a cancellation mid-start must not orphan it
        process = await start_process_group(command, root)
    timed_out = False
    try:
        async with anyio.create_task_group() as tasks:
            if progress is not None:
                tasks.start_soon(_report, progress, output, started, limits)
            with anyio.move_on_after(limits.timeout_seconds) as limit:
                await _read_until_exit(process, output)
            timed_out = limit.cancelled_caught
            tasks.cancel_scope.cancel()
    finally:
        with anyio.CancelScope(shield=True):
            await end_process_group(process, limits.kill_grace_seconds)
            await process.aclose()
    return GateRun(
        session=session,
        command=command,
        exit_status=process.returncode if process.returncode is not None else -1,
        duration_seconds=time.perf_counter() - started,
        output=output.text(),
        timed_out=timed_out,
    )


async def _read_until_exit(process: anyio.abc.Process, output: _Output) -> None:
    """Read until the session exits, then drain what its pipe still holds (briefly: a
    process it left behind may keep the pipe open)."""
    assert process.stdout is not None
    stdout = process.stdout
    drained = anyio.Event()

    async def read() -> None:
        async for chunk in stdout:
            output.add(chunk)
        drained.set()

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(read)
        await process.wait()
        with anyio.move_on_after(_DRAIN_SECONDS):
            await drained.wait()
        tasks.cancel_scope.cancel()


async def _report(
    progress: ProgressSink, output: _Output, started: float, limits: RunLimits
) -> None:
    """A progress notification at once and every ``progress_seconds``: elapsed seconds
    of the time limit, the last line of output as the message."""
    while True:
        elapsed = round(time.perf_counter() - started, 3)
        await progress(elapsed, limits.timeout_seconds, output.last_line() or "started")
        await anyio.sleep(limits.progress_seconds)


class _Output:
    """The last MiB a session printed."""

    def __init__(self) -> None:
        self._chunks: deque[bytes] = deque()
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._chunks.append(chunk)
        self._size += len(chunk)
        while self._size - len(self._chunks[0]) >= _KEPT_BYTES:
            self._size -= len(self._chunks.popleft())

    def text(self) -> str:
        return printable(b"".join(self._chunks)[-_KEPT_BYTES:].decode("utf-8", errors="replace"))

    def last_line(self) -> str:
        recent = b"".join(list(self._chunks)[-4:])[-8192:].decode("utf-8", errors="replace")
        lines = [line for line in printable(recent).splitlines() if line.strip()]
        return abridged(lines[-1].strip(), LINE_LIMIT) if lines else ""
