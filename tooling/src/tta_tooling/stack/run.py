"""``stack run``: the services and tta-api for the length of one command.

In order: tear down what SIGKILLed runs left, bring the stack up (its native
services tied to this process), serve tta-api if asked, run the command with the
stack's URLs in its environment and return its exit code. Whatever ends it (the
command's exit, an error, Ctrl-C, SIGTERM, SIGHUP), the teardown runs with those
signals ignored: the command is interrupted as Ctrl-C would (unless Ctrl-C already
reached it), then terminated, then killed; tta-api stops; the stack comes down.
A SIGKILLed run leaves no process either: its children get the kernel's
parent-death signal and carry its owner token (``child_lifetime.owned_children``),
and the next run tears down the stack its state file records.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from tta_process_support.child_lifetime import SignalHandler, dies_with_parent, signals_handled

from tta_tooling.child_lifetime import children_directory, owned_children
from tta_tooling.errors import InputError
from tta_tooling.stack import lifecycle, processes, served_app
from tta_tooling.stack import state as state_file
from tta_tooling.stack.ports import claim
from tta_tooling.stack.services import COMPOSE_APP_PORT, SERVICES

API = "api"
CHOICES = (*SERVICES, API)
"""What ``--with`` / ``--service`` may name: the stack's services and tta-api."""
_STATE_PREFIX = "run-"
_INTERRUPT_GRACE_SECONDS = 10.0
_STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@dataclass(frozen=True)
class RunRequest:
    """What to start (``names`` out of :data:`CHOICES`), how, and the command to run."""

    root: Path
    backend: str
    names: tuple[str, ...]
    ports: Mapping[str, int | None]
    app_port: int | None
    timeout: float
    state_path: Path | None
    command: tuple[str, ...]
    use_external: bool = False


def run(request: RunRequest, log: Callable[[str], None]) -> int:
    """Start what ``request`` asks, run its command, tear everything down; the
    command's exit code (128 + N when signal N ended it). Main thread only."""
    root = request.root.resolve()
    services = [name for name in SERVICES if name in request.names]
    if request.use_external:
        for name in [name for name in services if SERVICES[name].env in os.environ]:
            log(f"{name}: {SERVICES[name].env} is set; using it, not starting {name}")
            services.remove(name)
    private = state_file.private_directory(root)
    state_path = request.state_path or private / f"{_STATE_PREFIX}{os.getpid()}.json"
    received: list[int] = []
    with (
        owned_children(children_directory(root)),
        signals_handled(_recorder(received), *_STOP_SIGNALS),
    ):
        lifecycle.sweep_orphaned(root, private.glob(f"{_STATE_PREFIX}*.json"))
        command: subprocess.Popen[bytes] | None = None
        app: subprocess.Popen[bytes] | None = None
        try:
            env = dict(os.environ)
            app_port = request.app_port
            if API in request.names:
                app_port = claim(app_port, "--app-port")
            if services:
                started = lifecycle.up(
                    root,
                    backend=request.backend,
                    names=services,
                    ports=request.ports,
                    app_port=app_port or COMPOSE_APP_PORT,
                    timeout=request.timeout,
                    state_path=state_path,
                    tied=True,
                )
                log("\n".join(started.exports()))
                log(f"stack up ({started.backend}); it comes down when the command ends")
                env.update({record.env: record.url for record in started.services})
                env["TTA_STACK_BACKEND"] = started.backend
                if started.backend == "compose":
                    app_port = COMPOSE_APP_PORT
            if API in request.names and app_port is not None:
                app = served_app.serve(app_port, env, timeout=request.timeout)
                env["TTA_API_URL"] = served_app.url(app_port)
                log(f"export TTA_API_URL={env['TTA_API_URL']}")
            command = _start(request.command, env)
            code = command.wait()
            return code if code >= 0 else 128 - code
        finally:
            with signals_handled(signal.SIG_IGN, *_STOP_SIGNALS):
                if command is not None:
                    _interrupt(command, forward=received[:1] != [signal.SIGINT])
                if app is not None:
                    served_app.stop(app)
                if services and lifecycle.down(root, state_path) is not None:
                    log("stack down")


def _start(command: tuple[str, ...], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start ``command``; one that cannot be executed is bad input."""
    try:
        return subprocess.Popen(command, env=env, preexec_fn=dies_with_parent())  # noqa: PLW1509
    except OSError as error:
        raise InputError("command", f"cannot run {command[0]!r}: {error.strerror}") from None


def _interrupt(command: subprocess.Popen[bytes], *, forward: bool) -> None:
    """Give a running ``command`` Ctrl-C (``forward``: unless a terminal's reached it
    already) and a grace period, then terminate and kill it with what it started."""
    if command.poll() is None:
        if forward:
            command.send_signal(signal.SIGINT)
        try:
            command.wait(timeout=_INTERRUPT_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            processes.stop_child(command)


def _recorder(received: list[int]) -> SignalHandler:
    """A handler noting which stop signal came, then taking Ctrl-C's path."""

    def interrupt(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    return interrupt
