"""The state file: what ``stack up`` left running, so another process can check or stop it."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError


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

    def exports(self) -> list[str]:
        """``export NAME=url`` lines, one per service, for a POSIX shell."""
        return [f"export {service.env}={service.url}" for service in self.services]


def default_state_path(root: Path) -> Path:
    """Where the state of the stack for the repository at ``root`` lives by default."""
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"tta-stack-{digest}.json"


def save(state: StackState, path: Path) -> None:
    """Write ``state`` to ``path`` atomically (temp file in the same directory, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(asdict(state), handle, indent=2)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path) -> StackState | None:
    """The state at ``path``, None when there is none; a malformed file is an InputError."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(path, f"unreadable stack state: {error}") from error
    try:
        services = tuple(ServiceRecord(**service) for service in raw["services"])
        return StackState(str(raw["backend"]), raw["workdir"], services)
    except (KeyError, TypeError) as error:
        raise InputError(path, f"malformed stack state: missing or bad field {error}") from error


def remove(path: Path) -> None:
    """Delete the state file (absent is fine)."""
    path.unlink(missing_ok=True)
