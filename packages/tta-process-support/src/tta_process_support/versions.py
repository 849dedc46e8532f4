"""The version a distribution is installed at, for what a program reports about itself."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["UNKNOWN_VERSION", "installed_version"]

UNKNOWN_VERSION = "0.0.0"
"""What a program reports when it runs from a source tree without installed metadata."""


def installed_version(distribution: str) -> str:
    """The installed version of ``distribution``, else :data:`UNKNOWN_VERSION`."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return UNKNOWN_VERSION
