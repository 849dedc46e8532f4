"""The process-wide observability state tests start from: no telemetry set up, no hook installed."""

from __future__ import annotations

from observability_integration import shutdown_observability
from tta_dev_primitives import hooks

__all__ = ["reset_observability"]


def reset_observability() -> None:
    """Shut observability down and uninstall every primitive hook."""
    shutdown_observability()
    for hook in hooks.get_hooks():
        hooks.uninstall_hook(hook)
