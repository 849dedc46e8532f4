"""The state file: what ``stack up`` left running, so another process can check or stop it."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tta_process_support.atomic import write_text_atomically
from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError

_MARKER = ".tta-stack-workdir"


@dataclass(frozen=True)
class ServiceRecord:
    """A running service: where it listens and, for native ones, its process and log."""

    name: str
    env: str
    port: int
    url: str
    pid: int | None = None
    started: float | None = None
    log: str | None = None


@dataclass(frozen=True)
class StackState:
    """The backend that runs the stack, its temporary directory and its services."""

    backend: str
    workdir: str | None
    services: tuple[ServiceRecord, ...]
    # (pid, start time) of the process that ran ``up`` (nox, a shell): once it is gone
    # the next ``up`` sweeps the stack instead of refusing to start
    owner: tuple[int, float] | None = None

    def exports(self) -> list[str]:
        """``export NAME=url`` lines, one per service, for a POSIX shell."""
        return [f"export {service.env}={service.url}" for service in self.services]


def private_directory(root: Path) -> Path:
    """``<root>/.nox/stack``, created owner-only (0700): where state and workdirs live.

    Never a predictable path in the shared temp dir, where another user could plant a
    state file naming a directory for ``down`` to delete or a file for ``logs`` to print.
    """
    directory = root.resolve() / ".nox" / "stack"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)
    return directory


def default_state_path(root: Path) -> Path:
    """Where the state of the stack for the repository at ``root`` lives by default."""
    return private_directory(root) / "state.json"


def new_workdir(root: Path) -> Path:
    """A fresh directory for the native services, marked as made by ``stack up``."""
    workdir = Path(tempfile.mkdtemp(prefix="native-", dir=private_directory(root)))
    (workdir / _MARKER).write_text("made by `tta-tooling stack up`\n", encoding="utf-8")
    return workdir


def owned_workdir(root: Path, state: StackState, state_path: Path) -> Path | None:
    """``state``'s workdir if ``up`` made it (marked, inside the private directory)."""
    if state.workdir is None:
        return None
    workdir = Path(state.workdir)
    inside = private_directory(root)
    if (
        workdir.is_symlink()
        or not workdir.resolve().is_relative_to(inside)
        or not (workdir / _MARKER).is_file()
    ):
        raise InputError(
            state_path,
            f"workdir: {workdir} was not made by `stack up` (no marker inside {inside}); "
            "delete the state file",
        )
    return workdir.resolve()


def log_inside(workdir: Path | None, record: ServiceRecord, state_path: Path) -> Path | None:
    """``record``'s log if it is a file directly inside ``workdir``; any other is refused."""
    if record.log is None:
        return None
    log = Path(record.log)
    if workdir is None or log.is_symlink() or log.resolve().parent != workdir:
        raise InputError(
            state_path, f"services.{record.name}.log: {log} is not inside the stack's workdir"
        )
    return log


def save(state: StackState, path: Path) -> None:
    """Write ``state`` to ``path`` atomically, readable by its owner only."""
    write_text_atomically(path, json.dumps(asdict(state), indent=2), mode=0o600)


def load(path: Path) -> StackState | None:
    """The state at ``path``, None when there is none; a malformed file is an InputError."""
    if not path.exists():
        return None
    try:
        raw: Any = json.loads(read_input(path))
    except json.JSONDecodeError as error:
        raise InputError(path, f"unreadable stack state: {error}") from error
    except RecursionError:  # json's C decoder recurses once per level of nesting
        raise InputError(path, "unreadable stack state: nested too deeply") from None
    return _parse(raw, path)


_NULL = type(None)
# ServiceRecord's fields: (accepted JSON types, required).
_SERVICE_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "name": ((str,), True),
    "env": ((str,), True),
    "port": ((int,), True),
    "url": ((str,), True),
    "pid": ((int, _NULL), False),
    "started": ((int, float, _NULL), False),
    "log": ((str, _NULL), False),
}
_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    list: "a list",
    dict: "an object",
    _NULL: "null",
}


def _parse(raw: Any, path: Path) -> StackState:
    """Check each field's presence and type; the first bad one is named (``services[0].port``)."""
    if not isinstance(raw, dict):
        raise InputError(path, "malformed stack state: document: expected an object")
    backend = _field(path, raw, "backend", "backend", (str,))
    workdir = _field(path, raw, "workdir", "workdir", (str, _NULL))
    services = _field(path, raw, "services", "services", (list,))
    records = []
    for index, service in enumerate(services):
        where = f"services[{index}]"
        if not isinstance(service, dict):
            raise InputError(path, f"malformed stack state: {where}: expected an object")
        unknown = sorted(set(service) - set(_SERVICE_FIELDS))
        if unknown:
            raise InputError(path, f"malformed stack state: {where}.{unknown[0]}: unknown field")
        for name, (kinds, required) in _SERVICE_FIELDS.items():
            if required or name in service:
                _field(path, service, name, f"{where}.{name}", kinds)
        if not 0 < service["port"] < 65536:
            raise InputError(
                path, f"malformed stack state: {where}.port: {service['port']} is not 1-65535"
            )
        if service.get("pid") is not None and service["pid"] < 1:
            raise InputError(
                path, f"malformed stack state: {where}.pid: {service['pid']} is not a process id"
            )
        records.append(ServiceRecord(**service))
    return StackState(backend, workdir, tuple(records), _owner(path, raw))


def _owner(path: Path, raw: dict[str, Any]) -> tuple[int, float] | None:
    """The optional ``owner``: ``[pid, start time]`` of the process that ran ``up``."""
    owner = raw.get("owner")
    if owner is None:
        return None
    if (
        not isinstance(owner, list)
        or len(owner) != 2
        or isinstance(owner[0], bool)
        or not isinstance(owner[0], int)
        or owner[0] < 1
        or isinstance(owner[1], bool)
        or not isinstance(owner[1], int | float)
    ):
        raise InputError(
            path, f"malformed stack state: owner: expected [pid, start time], got {owner!r:.40}"
        )
    return owner[0], float(owner[1])


def _field(
    path: Path, mapping: dict[str, Any], key: str, where: str, kinds: tuple[type, ...]
) -> Any:
    """``mapping[key]`` if present and of one of ``kinds`` (a bool is no integer here)."""
    if key not in mapping:
        raise InputError(path, f"malformed stack state: {where}: missing")
    value = mapping[key]
    if isinstance(value, bool) or not isinstance(value, kinds):
        expected = " or ".join(_TYPE_NAMES[kind] for kind in kinds)
        raise InputError(
            path, f"malformed stack state: {where}: expected {expected}, got {value!r:.40}"
        )
    return value


def remove(path: Path) -> None:
    """Delete the state file (absent is fine)."""
    path.unlink(missing_ok=True)
