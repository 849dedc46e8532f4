"""The compose backend: docker-compose.test.yml through python-on-whales.

Services run under a fixed project name on the file's fixed ports; ``up``
waits for the health checks (``--wait``), ``down`` removes the volumes too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from python_on_whales import DockerClient
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
        docker.compose.up(
            list(names), detach=True, wait=True, wait_timeout=max(1, round(timeout)), quiet=True
        )
    except (DockerException, KeyboardInterrupt, SystemExit) as error:
        logs = _logs(docker, names)
        down(root)
        if isinstance(error, DockerException):
            raise StackError(f"docker compose up failed ({error.return_code}); {logs}") from error
        raise
    records = tuple(
        ServiceRecord(name, SERVICES[name].env, port, SERVICES[name].url(port))
        for name in names
        for port in [SERVICES[name].compose_port]
    )
    return StackState("compose", None, records)


def down(root: Path) -> None:
    """``compose down --volumes`` for the project."""
    client(root).compose.down(volumes=True)


def health(root: Path) -> dict[str, str]:
    """Each running service's health status as ``compose ps`` reports it."""
    statuses = {}
    for container in client(root).compose.ps():
        labels = container.config.labels or {}
        state = container.state
        status = state.health.status if state.health is not None else state.status
        statuses[labels.get("com.docker.compose.service", container.name)] = str(status)
    return statuses


def logs(root: Path, names: Sequence[str], lines: int) -> str:
    """The last ``lines`` log lines of each service."""
    return str(client(root).compose.logs(list(names), tail=str(lines)))


def _logs(docker: DockerClient, names: Sequence[str]) -> str:
    try:
        text = str(docker.compose.logs(list(names), tail=str(LOG_TAIL_LINES)))
    except DockerException as error:
        return f"no logs ({error.return_code})"
    return f"last {LOG_TAIL_LINES} lines of each service's log:\n{text.rstrip()}"
