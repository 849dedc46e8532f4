"""The session catalog of a noxfile, from ``nox --list --json``, and nox's selection rules."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tta_tooling.errors import InputError

# `--list --json` lists the selected sessions; with no selection, the default ones.
# A keyword expression that is true for every session lists them all.
_EVERY_SESSION = ("-k", "True")


@dataclass(frozen=True, slots=True)
class Session:
    """One session as nox lists it: full name (``tests-3.12``), base name (``tests``)."""

    name: str
    base_name: str
    tags: frozenset[str]
    default: bool
    python: str | None = None

    def as_listed(self) -> dict[str, object]:
        """The fields ``nox --list --json`` prints for this session."""
        return {
            "session": self.name,
            "name": self.base_name,
            "python": self.python,
            "tags": sorted(self.tags),
        }


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

    def select(self, names: Sequence[str] | None, tags: Sequence[str] | None) -> list[Session]:
        """The sessions ``nox -s names -t tags`` runs, as nox's ``filter_manifest`` does.

        ``None`` means the flag was not given. With ``-t``, nox ignores ``-s``; with
        neither, it runs the default sessions.
        """
        if tags is not None:
            return [s for s in self.sessions if s.tags.intersection(tags)]
        if names is None:
            return list(self.defaults)
        return [s for s in self.sessions if s.name in names or s.base_name in names]


def load_catalog(noxfile: Path) -> SessionCatalog:
    """List the sessions of ``noxfile`` by asking nox (``nox --list --json``)."""
    if not noxfile.is_file():
        raise InputError(noxfile, "noxfile not found")
    # The two listings run side by side: each is a nox start-up and noxfile import.
    listings: list[subprocess.Popen[str]] = []
    try:
        listings.append(_start_listing(noxfile))
        listings.append(_start_listing(noxfile, *_EVERY_SESSION))
        defaults, every = (_finish_listing(noxfile, process) for process in listings)
    finally:
        for process in listings:
            if process.returncode is None:  # not finished by _finish_listing: end it, close pipes
                process.kill()
                process.communicate()
    default_names = {entry["session"] for entry in defaults}
    sessions = tuple(
        Session(
            name=entry["session"],
            base_name=entry["name"],
            tags=frozenset(entry["tags"]),
            default=entry["session"] in default_names,
            python=entry["python"] if isinstance(entry["python"], str) else None,
        )
        for entry in every
    )
    if not sessions:
        raise InputError(noxfile, "nox --list --json reported no sessions")
    return SessionCatalog(sessions)


def _start_listing(noxfile: Path, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "nox", "--noxfile", str(noxfile), "--list", "--json", *args]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as error:
        raise InputError(noxfile, f"cannot run nox: {error}") from error


def _finish_listing(noxfile: Path, process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        last = (stderr.strip().splitlines() or ["(no output)"])[-1]
        raise InputError(noxfile, f"nox --list --json failed: {last}")
    try:
        entries = json.loads(stdout)
    except json.JSONDecodeError as error:
        raise InputError(noxfile, f"nox --list --json printed invalid JSON: {error.msg}") from error
    if not isinstance(entries, list) or not all(_is_entry(e) for e in entries):
        raise InputError(noxfile, "nox --list --json: field 'session', 'name' or 'tags' missing")
    return entries


def _is_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("session"), str)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("tags"), list)
    )
