"""The ``tta-tooling`` entry point: the start-up is guarded against stop signals
(:mod:`tta_tooling.stop_guard`) before the command families are imported."""

from __future__ import annotations

from tta_tooling.stop_guard import guard

__all__ = ["main"]


def main() -> int:
    """``tta-tooling``: guard the start-up, then dispatch (:func:`tta_tooling.cli.main`)."""
    guard()
    from tta_tooling.cli import main as dispatch  # noqa: PLC0415 - seconds of imports

    return dispatch()
