"""The native backend: redis-server and prometheus as detached processes in a temp dir."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path

from tta_tooling.stack import processes
from tta_tooling.stack.binaries import is_embedded, prometheus_binary, redis_server_binary
from tta_tooling.stack.ports import HOST, claim
from tta_tooling.stack.prometheus_config import native_config
from tta_tooling.stack.services import SERVICES
from tta_tooling.stack.state import ServiceRecord, StackState


def up(
    names: Sequence[str],
    ports: Mapping[str, int | None],
    *,
    monitoring: Path,
    app_port: int,
    timeout: float,
    embedded: bool,
    workdir: Path,
    spawned: Callable[[StackState], None],
    tied: bool = False,
) -> StackState:
    """Start ``names`` in ``workdir`` (made and marked by the caller) and wait until each
    is healthy; on any failure stop what started and remove ``workdir``. ``spawned``
    gets the state so far after each start, so a SIGKILL mid-way loses no process;
    ``tied`` services die with this process (:func:`processes.spawn`)."""
    records: list[ServiceRecord] = []
    try:
        claimed = {name: claim(ports.get(name), f"--{name}-port") for name in names}
        binaries = {name: _binary(name, embedded=embedded) for name in names}
        for name in names:
            service = SERVICES[name]
            port = claimed[name]
            directory = workdir / name
            directory.mkdir()
            command = _command(
                name,
                binaries[name],
                port,
                directory=directory,
                monitoring=monitoring,
                app_port=app_port,
            )
            log = workdir / f"{name}.log"
            pid, started = processes.spawn(command, log, directory, tied=tied)
            records.append(
                ServiceRecord(name, service.env, port, service.url(port), pid, started, str(log))
            )
            spawned(StackState("native", str(workdir), tuple(records)))
            processes.wait_healthy(
                name, pid, started, probe=partial(service.healthy, port), log=log, timeout=timeout
            )
    except BaseException:
        down(StackState("native", str(workdir), tuple(records)), workdir)
        raise
    backend = "embedded" if "redis" in names and is_embedded(binaries["redis"]) else "native"
    return StackState(backend, str(workdir), tuple(records))


def down(state: StackState, workdir: Path | None) -> None:
    """Stop every recorded process and remove ``workdir``, checked by the caller as
    the marked directory ``up`` made (:func:`tta_tooling.stack.state.owned_workdir`)."""
    for record in reversed(state.services):
        if record.pid is not None and record.started is not None:
            processes.stop(record.pid, record.started)
    if workdir is not None:
        shutil.rmtree(workdir, ignore_errors=True)


def running(record: ServiceRecord) -> bool:
    """Whether the recorded process still runs and its service answers its health probe."""
    alive = (
        record.pid is not None
        and record.started is not None
        and processes.is_running(record.pid, record.started)
    )
    return alive and SERVICES[record.name].healthy(record.port)


def _binary(name: str, *, embedded: bool) -> str:
    return redis_server_binary(embedded=embedded) if name == "redis" else prometheus_binary()


def _command(
    name: str, binary: str, port: int, *, directory: Path, monitoring: Path, app_port: int
) -> list[str]:
    if name == "redis":
        return [binary, "--port", str(port), "--bind", HOST, "--save", "", "--appendonly", "no",
                "--dir", str(directory), "--daemonize", "no"]  # fmt: skip
    config = directory / "prometheus.yml"
    config.write_text(
        native_config(monitoring / "prometheus.yml", prometheus_port=port, app_port=app_port),
        encoding="utf-8",
    )
    return [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={directory / 'data'}",
        f"--web.listen-address={HOST}:{port}",
    ]
