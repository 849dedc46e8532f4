"""The nox version locked in uv.lock, and the nox pins written in prose and scripts.

Workflows and VS Code tasks are checked command by command
(:mod:`tta_tooling.gates.script_rules`); the README's commands and ``.ci/run``
are checked here, by finding every ``uvx nox`` / ``uv tool run nox`` /
``pipx run nox`` launch in their text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.reporting import Finding

LOCK_FILE = "uv.lock"
PINNED_FILES = ("README.md", ".ci/run")
_LAUNCH = re.compile(
    r"(?:\buvx|\buv\s+tool\s+run|\bpipx\s+run)(?:\s+--?[\w-]+(?:[= ][^\s-]\S*)?)*?"
    r"\s+nox(?P<pin>(?:@|==)[^\s`'\")]+)?(?=[\s`'\")]|$)"
)


def locked_nox_version(root: Path) -> str:
    """The version of nox that ``uv.lock`` under ``root`` pins."""
    path = root / LOCK_FILE
    version = _nox_version(read_input(path))
    if isinstance(version, InputError):
        raise InputError(path, version.message)
    return version


@cache
def _nox_version(lock_text: str) -> str | InputError:
    """nox's version in a lock file's text, or the problem (parsed once per distinct text)."""
    try:
        lock = tomllib.loads(lock_text)
    except tomllib.TOMLDecodeError as error:
        return InputError("", f"invalid TOML: {error}")
    packages = lock.get("package")
    for package in packages if isinstance(packages, list) else []:
        if isinstance(package, dict) and package.get("name") == "nox":
            version = package.get("version")
            if isinstance(version, str):
                return version
    return InputError("", 'field [[package]] name = "nox" is missing: `uv lock` first')


def check_text_pins(root: Path, version: str) -> Iterator[Finding]:
    """A finding for each nox launch in the README and ``.ci/run`` not pinned to ``version``."""
    for name in PINNED_FILES:
        path = root / name
        if not path.is_file():
            yield Finding(name, "missing: it holds the commands that run the gates")
            continue
        for number, line in enumerate(read_input(path).splitlines(), start=1):
            for match in _LAUNCH.finditer(line):
                pin = (match["pin"] or "").lstrip("@=")
                if pin != version:
                    found = f"nox {pin}" if pin else "an unpinned nox"
                    yield Finding(
                        name,
                        f"`{match[0].strip()}` runs {found}; uv.lock has {version}: "
                        f"use `nox@{version}`",
                        number,
                    )
