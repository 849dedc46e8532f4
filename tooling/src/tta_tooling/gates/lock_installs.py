"""Installs that bypass uv.lock: ``uv sync`` without ``--locked``/``--frozen``, pip installs.

A CI step or VS Code task may install the project's dependencies only from the
lock. ``pip install`` (or ``uv pip install``) may install uv itself and nothing
else: a requirements file, an editable project or any other package would
install versions uv.lock never saw.
"""

from __future__ import annotations

import re

__all__ = ["unlocked_install"]

_LOCKED = frozenset({"--locked", "--frozen"})
_PIP_INSTALLS: tuple[tuple[str, ...], ...] = (
    ("pip", "install"),
    ("pip3", "install"),
    ("python", "-m", "pip", "install"),
    ("python3", "-m", "pip", "install"),
    ("uv", "pip", "install"),
)
_PIP_SYNC = ("uv", "pip", "sync")
# pip options that change neither what is installed nor where it comes from.
_HARMLESS_PIP_OPTIONS = frozenset(
    {
        "-q",
        "--quiet",
        "-U",
        "--upgrade",
        "--user",
        "--break-system-packages",
        "--no-cache-dir",
        "--disable-pip-version-check",
    }
)
_UV_REQUIREMENT = re.compile(r"^uv(?:(?:===?|~=|>=|<=|!=|<|>)[\w.*+!-]+)?$", re.IGNORECASE)


def unlocked_install(argv: tuple[str, ...]) -> str | None:
    """Why ``argv`` installs without the lock, or ``None`` when it does not."""
    if argv[:2] == ("uv", "sync"):
        if _LOCKED.isdisjoint(argv[2:]):
            return "installs without the lock: `uv sync` needs `--locked` or `--frozen`"
        return None
    if argv[:3] == _PIP_SYNC:
        return "installs without the lock: use `uv sync --locked` instead of `uv pip sync`"
    for prefix in _PIP_INSTALLS:
        if argv[: len(prefix)] == prefix:
            rest = argv[len(prefix) :]
            if not rest or not all(_harmless_pip_argument(a) for a in rest):
                return (
                    f"installs without the lock: `{' '.join(prefix)}` may install uv only; "
                    "install the project's dependencies with `uv sync --locked`"
                )
            return None
    return None


def _harmless_pip_argument(argument: str) -> bool:
    if argument.startswith("-"):
        return argument in _HARMLESS_PIP_OPTIONS
    return _UV_REQUIREMENT.match(argument) is not None
