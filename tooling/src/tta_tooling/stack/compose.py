"""The compose backend: docker-compose.test.yml through python-on-whales.

Services run under a fixed project name on the file's fixed ports; ``up``
waits for the health checks (``--wait``), ``down`` removes the volumes too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from python_on_whales import DockerClient
from python_on_whales.client_config import ClientNotFoundError
from python_on_whales.exceptions import DockerException

from tta_tooling.stack.errors import StackError
from tta_tooling.stack.ports import claim
from tta_tooling.stack.processes import LOG_TAIL_LINES
from tta_tooling.stack.services import SERVICES
from tta_tooling.stack.state import ServiceRecord, StackState

PROJECT = "tta-stack"
COMPOSE_FILE = "docker-compose.test.yml"


def client(root: Path) -> DockerClient:
    """A python-on-whales client for the repository's compose file and project."""
    return DockerClient(compose_files=[root / COMPOSE_FILE], compose_project_name=PROJECT)


def up(root: Path, names: Sequence[str], *, timeout: float) -> StackState:
    """``compose up --detach --wait`` for ``names``; on failure, the logs and ``down``."""
    for name in names:
        claim(SERVICES[name].compose_port, f"{name} port (compose)")
    docker = client(root)
    try:
        with _docker_errors("up"):
            docker.compose.up(
                list(names), detach=True, wait=True, wait_timeout=max(1, round(timeout)), quiet=True
            )
    except (StackError, KeyboardInterrupt, SystemExit) as error:
        logs = _logs(docker, names)
        with contextlib.suppress(StackError):
            down(root)
        if isinstance(error, StackError):
            raise StackError(f"{error}; {logs}") from error
        raise
    services = [SERVICES[name] for name in names]
    records = (
        ServiceRecord(s.name, s.env, s.compose_port, s.url(s.compose_port)) for s in services
    )
    return StackState("compose", None, tuple(records))


def down(root: Path) -> None:
    """``compose down --volumes`` for the project."""
    with _docker_errors("down"):
        client(root).compose.down(volumes=True)


def health(root: Path) -> dict[str, str]:
    """Each running service's health status as ``compose ps`` reports it."""
    statuses = {}
    with _docker_errors("ps"):
        for container in client(root).compose.ps():
            labels = container.config.labels or {}
            state = container.state
            status = state.health.status if state.health is not None else state.status
            statuses[labels.get("com.docker.compose.service", container.name)] = str(status)
    return statuses


def logs(root: Path, names: Sequence[str], lines: int) -> str:
    """The last ``lines`` log lines of each service."""
    with _docker_errors("logs"):
        return str(client(root).compose.logs(list(names), tail=str(lines)))


@contextlib.contextmanager
def _docker_errors(action: str) -> Iterator[None]:
    """A failing or missing docker CLI becomes a StackError naming the compose action."""
    try:
        yield
    except DockerException as error:
        raise StackError(f"docker compose {action} failed ({error.return_code})") from error
    except ClientNotFoundError as error:
        raise StackError(f"docker compose {action}: no docker CLI on PATH") from error


def _logs(docker: DockerClient, names: Sequence[str]) -> str:
    try:
        with _docker_errors("logs"):
            text = str(docker.compose.logs(list(names), tail=str(LOG_TAIL_LINES)))
    except StackError as error:
        return f"no logs: {error}"
    return f"last {LOG_TAIL_LINES} lines of each service's log:\n{text.rstrip()}"
