"""Bring the stack up, check it, read its logs and tear it down, whatever the backend.

``up`` records what it started in a state file (written atomically, after each
service it spawns), so that ``status``, ``logs`` and ``down`` work from any later
process, and a stack whose ``up`` was run by a process now gone (a SIGKILLed nox)
is swept by the next ``up`` rather than left running. The compose
backend is imported where it is used: python-on-whales takes a second or two to
import, which every other ``tta-tooling`` command would otherwise pay.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from tta_tooling.errors import InputError
from tta_tooling.stack import native, processes
from tta_tooling.stack import state as state_file
from tta_tooling.stack.engine import engine_answers
from tta_tooling.stack.errors import StackError
from tta_tooling.stack.state import ServiceRecord, StackState

BACKENDS = ("auto", "compose", "native")


def up(
    root: Path,
    *,
    backend: str,
    names: Sequence[str],
    ports: Mapping[str, int | None],
    app_port: int,
    timeout: float,
    state_path: Path,
    tied: bool = False,
) -> StackState:
    """Start ``names`` on ``backend`` (auto: compose, else native, else embedded Redis).

    The stack's owner is the process that ran ``up`` (the shell or nox above this
    command), or with ``tied`` this process, whose native services die with it.
    """
    previous = state_file.load(state_path)
    if previous is not None:
        if not _orphaned(previous) and any(healthy for _, healthy in status_of(root, previous)):
            raise InputError(state_path, "a stack is already up; run `tta-tooling stack down`")
        _teardown(root, previous, state_path)
        state_file.remove(state_path)
    owner = processes.this_process() if tied else processes.parent()
    if backend == "compose" or (backend == "auto" and engine_answers()):
        for name, port in ports.items():
            if port is not None and name in names:
                raise InputError(
                    f"--{name}-port",
                    "the compose backend uses the ports of docker-compose.test.yml; "
                    "use --backend native for others",
                )
        from tta_tooling.stack import compose  # noqa: PLC0415

        started = compose.up(root, names, timeout=timeout)
    else:
        try:
            started = native.up(
                names,
                ports,
                monitoring=root / "monitoring",
                app_port=app_port,
                timeout=timeout,
                embedded=backend == "auto",
                workdir=state_file.new_workdir(root),
                spawned=lambda so_far: state_file.save(replace(so_far, owner=owner), state_path),
                tied=tied,
            )
        except BaseException:
            state_file.remove(state_path)  # native.up stopped what it had recorded
            raise
    started = replace(started, owner=owner)
    try:
        state_file.save(started, state_path)
    except BaseException:
        _teardown(root, started, state_path)
        raise
    return started


def down(root: Path, state_path: Path) -> StackState | None:
    """Stop the recorded stack and forget it; None when no stack was up."""
    current = state_file.load(state_path)
    if current is not None:
        _teardown(root, current, state_path)
        state_file.remove(state_path)
    return current


def status(root: Path, state_path: Path) -> list[tuple[ServiceRecord, bool]] | None:
    """Each recorded service with whether it is healthy now; None when no stack is up."""
    current = state_file.load(state_path)
    return None if current is None else status_of(root, current)


def status_of(root: Path, current: StackState) -> list[tuple[ServiceRecord, bool]]:
    """Each service of ``current`` with whether it is healthy now."""
    if current.backend == "compose":
        from tta_tooling.stack import compose  # noqa: PLC0415

        health = compose.health(root)
        return [(record, health.get(record.name) == "healthy") for record in current.services]
    return [(record, native.running(record)) for record in current.services]


def logs(root: Path, state_path: Path, names: Sequence[str], lines: int) -> str | None:
    """The last ``lines`` lines of each named (default: every) service's log."""
    current = state_file.load(state_path)
    if current is None:
        return None
    chosen = [r for r in current.services if not names or r.name in names]
    if current.backend == "compose":
        from tta_tooling.stack import compose  # noqa: PLC0415

        return compose.logs(root, [record.name for record in chosen], lines)
    workdir = state_file.owned_workdir(root, current, state_path)
    found = (state_file.log_inside(workdir, record, state_path) for record in chosen)
    return "\n".join(processes.tail_of(log, lines) for log in found if log is not None)


def sweep_orphaned(root: Path, state_paths: Iterable[Path]) -> None:
    """Tear down each stack of ``state_paths`` whose owner is gone (a SIGKILLed
    ``stack run``); one that cannot be read or stopped is left for its owner's command."""
    for state_path in state_paths:
        with contextlib.suppress(InputError, StackError):
            current = state_file.load(state_path)
            if current is not None and _orphaned(current):
                _teardown(root, current, state_path)
                state_file.remove(state_path)


def _orphaned(current: StackState) -> bool:
    """Whether the process that ran ``up`` for ``current`` is gone (SIGKILLed nox, say)."""
    return current.owner is not None and not processes.is_running(*current.owner)


def _teardown(root: Path, current: StackState, state_path: Path) -> None:
    if current.backend == "compose":
        from tta_tooling.stack import compose  # noqa: PLC0415

        compose.down(root)
    else:
        native.down(current, state_file.owned_workdir(root, current, state_path))
