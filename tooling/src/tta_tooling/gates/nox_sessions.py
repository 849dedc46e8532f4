"""The session catalog of a noxfile, as nox itself lists it."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tta_tooling.errors import InputError

# One line of `nox --list`: "* name [tag,tag] -> description"; with no selection
# given, "*" marks the default sessions and "-" the others.
_LIST_LINE = re.compile(r"^(?P<mark>[*-]) (?P<name>\S+)(?: \[(?P<tags>[^\]]*)\])?(?: -> .*)?$")
# The parametrization suffix nox adds to a session's name: "-3.12" or "(x=1)".
_PARAM_SUFFIX = re.compile(r"(-\d+(\.\d+)*|\(.*\))$")


@dataclass(frozen=True, slots=True)
class Session:
    """One session as nox lists it."""

    name: str
    base_name: str
    tags: frozenset[str]
    default: bool


@dataclass(frozen=True, slots=True)
class SessionCatalog:
    """Every session of a noxfile, with the names and tags ``nox -s`` / ``nox -t`` accept."""

    sessions: tuple[Session, ...]

    @property
    def defaults(self) -> tuple[Session, ...]:
        """Sessions that plain ``nox`` runs."""
        return tuple(s for s in self.sessions if s.default)

    @property
    def tags(self) -> frozenset[str]:
        """Every tag of any session."""
        return frozenset(t for s in self.sessions for t in s.tags)

    def has_session(self, name: str) -> bool:
        """Whether ``nox -s name`` selects at least one session."""
        return any(name in (s.name, s.base_name) for s in self.sessions)

    def selected_by(self, *, names: list[str], tags: list[str]) -> set[str]:
        """Full names of the sessions that ``nox -s names -t tags`` would run."""
        if not names and not tags:
            return {s.name for s in self.defaults}
        return {
            s.name
            for s in self.sessions
            if s.name in names or s.base_name in names or s.tags.intersection(tags)
        }


def load_catalog(noxfile: Path) -> SessionCatalog:
    """List the sessions of ``noxfile`` by asking nox (``nox --list``)."""
    if not noxfile.is_file():
        raise InputError(noxfile, "noxfile not found")
    sessions = []
    for line in _run_nox(noxfile, "--list").splitlines():
        match = _LIST_LINE.match(line.strip())
        if not match:
            continue
        name = match["name"]
        tags = frozenset(t for t in (match["tags"] or "").split(",") if t)
        base = _PARAM_SUFFIX.sub("", name)
        sessions.append(Session(name, base, tags, default=match["mark"] == "*"))
    if not sessions:
        raise InputError(noxfile, "nox --list reported no sessions")
    return SessionCatalog(tuple(sessions))


def _run_nox(noxfile: Path, *args: str) -> str:
    command = [sys.executable, "-m", "nox", "--noxfile", str(noxfile), *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise InputError(noxfile, f"cannot run nox: {error}") from error
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise InputError(noxfile, f"nox {' '.join(args)} failed: {last}")
    return done.stdout
