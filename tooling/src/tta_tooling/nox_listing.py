"""``nox --list --json``, run once per content and cached.

Each listing starts nox and imports the noxfile, about a second of work that
ci-config, check-gates, paf and the MCP server would otherwise repeat on every
call. Its answer is decided by the noxfile, the ``pyproject.toml`` beside it
(which the noxfile reads its Python versions from), the arguments and nox's
version, so the entries are cached under a hash of exactly those, in the
user's cache directory (``$TTA_TOOLING_CACHE``, else ``$XDG_CACHE_HOME`` or
``~/.cache``, then ``tta-tooling/``). A changed byte lists anew; a cache that
cannot be read or written is only slower.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

from tta_process_support.atomic import write_text_atomically

from tta_tooling.errors import InputError

__all__ = ["nox_listings"]

Entries = list[dict[str, Any]]


def nox_listings(noxfile: Path, *selections: Sequence[str]) -> list[Entries]:
    """``nox --list --json <selection>`` of ``noxfile`` for each selection, in order.

    The listings that are not cached run side by side. A noxfile that nox cannot
    list, or a listing without ``session``, ``name`` and ``tags``, is InputError.
    """
    if not noxfile.is_file():
        raise InputError(noxfile, "noxfile not found")
    keys = [_key(noxfile, selection) for selection in selections]
    results: list[Entries | None] = [_cached(key) for key in keys]
    started = [
        (index, _start(noxfile, selection))
        for index, selection in enumerate(selections)
        if results[index] is None
    ]
    try:
        for index, process in started:
            entries = _finish(noxfile, process)
            _store(keys[index], entries)
            results[index] = entries
    finally:  # also after a failed listing: no nox outlives the call, no pipe stays open
        for _, process in started:
            if process.poll() is None:
                process.kill()
            process.communicate()
    return [entries for entries in results if entries is not None]


def _key(noxfile: Path, selection: Sequence[str]) -> str:
    digest = hashlib.sha256()
    pyproject = noxfile.parent / "pyproject.toml"
    parts = [
        version("nox").encode(),
        json.dumps(list(selection)).encode(),
        noxfile.read_bytes(),
        pyproject.read_bytes() if pyproject.is_file() else b"",
    ]
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def _cache_dir() -> Path:
    explicit = os.environ.get("TTA_TOOLING_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "tta-tooling"


def _cached(key: str) -> Entries | None:
    try:
        entries = json.loads((_cache_dir() / f"nox-list-{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return entries if _valid(entries) else None


def _store(key: str, entries: Entries) -> None:
    try:
        write_text_atomically(_cache_dir() / f"nox-list-{key}.json", json.dumps(entries))
    except OSError:
        return  # a cache that cannot be written only costs the next caller a listing


def _start(noxfile: Path, selection: Sequence[str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "nox", "--noxfile", str(noxfile), "--list", "--json"]
    try:
        return subprocess.Popen(
            [*command, *selection],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=noxfile.parent,
        )
    except OSError as error:
        raise InputError(noxfile, f"cannot run nox: {error}") from error


def _finish(noxfile: Path, process: subprocess.Popen[str]) -> Entries:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        last = (stderr.strip().splitlines() or ["(no output)"])[-1]
        raise InputError(noxfile, f"nox --list --json failed: {last}")
    try:
        entries = json.loads(stdout)
    except json.JSONDecodeError as error:
        raise InputError(noxfile, f"nox --list --json printed invalid JSON: {error.msg}") from error
    if not _valid(entries):
        raise InputError(noxfile, "nox --list --json: field 'session', 'name' or 'tags' missing")
    return list(entries)


def _valid(entries: object) -> bool:
    return isinstance(entries, list) and all(
        isinstance(entry, dict)
        and isinstance(entry.get("session"), str)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("tags"), list)
        for entry in entries
    )
