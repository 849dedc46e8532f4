"""Gates weakened from inside pyproject.toml's ruff and mypy configuration.

The lint, format and typecheck sessions run their tool on the whole tree and let
the configuration pick the files, so the configuration may not narrow them:
ruff's ``exclude`` / ``extend-exclude`` hold only folders that are not the
project's code (tool and build folders, and test data folders named ``corpus``,
``fixtures``, ``testdata`` or ``data`` under ``tests/``), mypy stays ``strict`` over every room
(``packages``, ``tooling/src``, ``tests``) and no override sets ``ignore_errors``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from tta_tooling.errors import InputError, read_input
from tta_tooling.reporting import Finding

PYPROJECT = "pyproject.toml"
MYPY_ROOMS = ("packages", "tooling/src", "tests")
# Tool and build folders, and test data folders (code that is wrong on purpose).
_NOT_CODE = re.compile(
    r"^(\.[\w.-]+|build|dist|node_modules|__pycache__"
    r"|tests/([\w.-]+/)*(corpus|fixtures|testdata|data))/?$"
)


def check_tool_config(root: Path) -> Iterator[Finding]:
    """Findings in ``[tool.ruff]`` and ``[tool.mypy]`` of ``root / pyproject.toml``."""
    path = root / PYPROJECT
    text = read_input(path)
    try:
        tools = tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"invalid TOML: {error}") from error
    ruff = tools.get("ruff", {}) if isinstance(tools, dict) else {}
    for block in (ruff, ruff.get("lint", {}), ruff.get("format", {})):
        for key in ("exclude", "extend-exclude"):
            values = block.get(key, []) if isinstance(block, dict) else []
            for value in values if isinstance(values, list) else [values]:
                if not _NOT_CODE.match(str(value)):
                    yield Finding(
                        PYPROJECT,
                        f"ruff `{key}` leaves out {value!r}: lint and format check every file",
                        _line_of(text, key),
                    )
    mypy = tools.get("mypy", {}) if isinstance(tools, dict) else {}
    if not isinstance(mypy, dict):
        return
    if mypy.get("strict") is not True:
        yield Finding(PYPROJECT, "mypy must stay `strict = true`", _line_of(text, "strict"))
    files = mypy.get("files", [])
    listed = {str(f).rstrip("/") for f in (files if isinstance(files, list) else [files])}
    missing = [room for room in MYPY_ROOMS if room not in listed]
    if missing:
        yield Finding(
            PYPROJECT,
            f"mypy `files` leaves out {', '.join(missing)}: typecheck covers every room",
            _line_of(text, "files"),
        )
    overrides = mypy.get("overrides", [])
    for override in overrides if isinstance(overrides, list) else []:
        if isinstance(override, dict) and override.get("ignore_errors"):
            yield Finding(
                PYPROJECT,
                f"mypy override for {override.get('module')!r} sets `ignore_errors`",
                _line_of(text, "ignore_errors"),
            )


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}\s*=", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None
