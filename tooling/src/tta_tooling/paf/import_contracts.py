"""The import-linter contracts of ``.importlinter``, checked against the repository's sources.

The graph's root packages are the workspace packages whose sources exist
(``packages/*/src/<name>/`` and ``tooling/src/<name>/``), found in the
repository itself rather than wherever the running interpreter imports them
from. A module a contract names that is in no root package and imported by
none of them is absent from the graph; a contract about it holds trivially
and says so.
"""

from __future__ import annotations

import configparser
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grimp
from grimp.application.config import settings as grimp_settings
from grimp.application.ports.filesystem import AbstractFileSystem
from grimp.application.ports.packagefinder import AbstractPackageFinder
from importlinter.api import read_configuration
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import Contract, InvalidContractOptions

from tta_tooling.errors import InputError
from tta_tooling.reporting import Finding

CONTRACTS_FILE = ".importlinter"
_CONTRACT_TYPES: dict[str, type[Contract]] = {
    "forbidden": ForbiddenContract,
    "independence": IndependenceContract,
    "layers": LayersContract,
}
# Options holding module names that may be absent until their package exists.
_MODULE_LISTS = ("source_modules", "forbidden_modules", "modules")


def source_roots(root: Path) -> dict[str, Path]:
    """Import name -> package directory, for every workspace package with sources."""
    candidates = [
        *root.glob("packages/*/src/*/__init__.py"),
        *root.glob("tooling/src/*/__init__.py"),
    ]
    return {init.parent.name: init.parent for init in sorted(candidates)}


@dataclass
class ImportContracts:
    """The contracts of one repository; the import graph is built once, on first check."""

    root: Path
    _options: dict[str, dict[str, Any]] = field(init=False)
    _session: dict[str, Any] = field(init=False)
    _graph: grimp.ImportGraph | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        path = self.root / CONTRACTS_FILE
        if not path.is_file():
            raise InputError(path, "file not found (the import contracts live here)")
        try:
            configuration = read_configuration(str(path))
        except (configparser.Error, FileNotFoundError, KeyError, ValueError) as error:
            raise InputError(path, f"unreadable import-linter configuration: {error}") from error
        self._session = dict(configuration["session_options"])
        declared = set(_as_list(self._session.get("root_packages")))
        self._session["root_packages"] = sorted(source_roots(self.root))
        self._options = {}
        for options in configuration["contracts_options"]:
            contract_id = options.get("id") or options.get("name", "")
            if options.get("type") not in _CONTRACT_TYPES:
                raise InputError(
                    path,
                    f"field type of contract {contract_id}: {options.get('type')!r} "
                    f"is not one of {', '.join(sorted(_CONTRACT_TYPES))}",
                )
            undeclared = sorted(
                name
                for key in ("source_modules", "modules")
                for name in _as_list(options.get(key))
                if name.split(".")[0] not in declared
            )
            if undeclared:
                raise InputError(
                    path,
                    f"field source_modules/modules of contract {contract_id}: "
                    f"{', '.join(undeclared)} not under root_packages",
                )
            self._options[contract_id] = options

    @property
    def ids(self) -> frozenset[str]:
        """The id of every contract (its ``[importlinter:contract:<id>]`` section)."""
        return frozenset(self._options)

    def check(self, contract_id: str) -> tuple[list[Finding], str]:
        """The imports breaking one contract, and a one-line note on what was checked."""
        graph = self._build_graph()
        options = dict(self._options[contract_id])
        absent = sorted(
            name
            for key in _MODULE_LISTS
            for name in _as_list(options.get(key))
            if not _in_graph(graph, name)
        )
        for key in _MODULE_LISTS:
            if key in options:
                options[key] = [n for n in _as_list(options[key]) if _in_graph(graph, n)]
        if any(key in options and not options[key] for key in ("source_modules", "modules")):
            return [], f"nothing to check: {', '.join(absent)} not in the workspace"
        try:
            contract = _CONTRACT_TYPES[options["type"]](
                session_options=self._session,
                contract_options=options,
                name=options.get("name", contract_id),
            )
            verdict = contract.check(graph, verbose=False)
        except (InvalidContractOptions, ValueError) as error:
            raise InputError(
                self.root / CONTRACTS_FILE, f"contract {contract_id}: {error}"
            ) from error
        note = f"not in the workspace: {', '.join(absent)}" if absent else ""
        if verdict.kept:
            return [], note
        return self._findings(verdict.metadata), note

    def _build_graph(self) -> grimp.ImportGraph:
        if self._graph is None:
            roots = source_roots(self.root)
            with _packages_found_in(roots):
                self._graph = grimp.build_graph(
                    *sorted(roots), include_external_packages=True, cache_dir=None
                )
        return self._graph

    def _findings(self, metadata: object) -> list[Finding]:
        roots = source_roots(self.root)
        findings = {
            Finding(
                file=_module_file(self.root, roots, first["importer"]),
                line=line,
                message=f"{first['importer']} imports {first['imported']}"
                + (f", which leads to {last}" if last != first["imported"] else ""),
            )
            for first, last in _chain_starts(metadata)
            for line in first.get("line_numbers") or [None]
            if first["importer"].split(".")[0] in roots
        }
        return sorted(findings, key=lambda f: (f.file, f.line or 0, f.message))


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return [str(v) for v in value]
    return [str(value)]


def _in_graph(graph: grimp.ImportGraph, name: str) -> bool:
    return name.strip("()") in graph.modules


def _is_link(value: object) -> bool:
    return isinstance(value, dict) and {"importer", "imported", "line_numbers"} <= value.keys()


def _chain_starts(metadata: object) -> Iterator[tuple[dict[str, Any], str]]:
    """The first import of every illegal chain in a contract's report, and where it leads.

    import-linter reports a chain as a list of direct imports; only its first one
    is in the module that broke the contract (the rest may be legal elsewhere).
    """
    if isinstance(metadata, list | tuple) and metadata and all(map(_is_link, metadata)):
        yield metadata[0], metadata[-1]["imported"]
    elif isinstance(metadata, dict):
        for key, value in metadata.items():
            if key == "extra_firsts":
                yield from ((link, link["imported"]) for link in value if _is_link(link))
            else:
                yield from _chain_starts(value)
    elif isinstance(metadata, list | tuple | set | frozenset):
        for item in metadata:
            yield from _chain_starts(item)


def _module_file(root: Path, roots: dict[str, Path], module: str) -> str:
    top, *rest = module.split(".")
    base = roots[top].joinpath(*rest)
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    return path.relative_to(root).as_posix()


class _RepositoryPackageFinder(AbstractPackageFinder):
    """Finds each root package in the repository, never on the interpreter's path."""

    def __init__(self, roots: dict[str, Path]) -> None:
        self._roots = roots

    def determine_package_directories(
        self, package_name: str, file_system: AbstractFileSystem
    ) -> set[str]:
        return {str(self._roots[package_name])}


@contextmanager
def _packages_found_in(roots: dict[str, Path]) -> Iterator[None]:
    previous = grimp_settings.PACKAGE_FINDER
    grimp_settings.configure(PACKAGE_FINDER=_RepositoryPackageFinder(roots))
    try:
        yield
    finally:
        grimp_settings.configure(PACKAGE_FINDER=previous)
