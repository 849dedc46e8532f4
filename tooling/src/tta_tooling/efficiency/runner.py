"""Scan the configured files: pre-filter, parse, summarise, run every check, apply suppressions.

A file whose text cannot hold a configured LLM call (nor a cache wrapper, which
may wrap a step defined elsewhere) cannot break a rule, so it is not parsed
(:mod:`~tta_tooling.efficiency.prefilter`) unless it calls, by name, a scanned
function that reaches a model call (:mod:`~tta_tooling.efficiency.project`).
A file that cannot be read or parsed is one ``EFF900`` finding; the scan goes on.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tta_tooling.efficiency.config import EfficiencyConfig
from tta_tooling.efficiency.gc_threshold import fewer_collections
from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.patterns import CallPattern, per_pattern_list
from tta_tooling.efficiency.prefilter import CandidateFilter
from tta_tooling.efficiency.project import Project, spells_any
from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules import CHECKS, FileScan
from tta_tooling.efficiency.rules.caching import cached_names
from tta_tooling.efficiency.sources import Unanalysable, parse_source, read_source
from tta_tooling.efficiency.suppressions import suppressions
from tta_tooling.errors import InputError

__all__ = ["ScanResult", "scan"]

_SKIPPED_DIRS = frozenset(
    {".git", ".nox", ".venv", "venv", "__pycache__", "node_modules", ".mypy_cache", ".ruff_cache"}
)
_MAX_HELPER_ROUNDS = 4
_UNANALYSABLE = "EFF900"


@dataclass(frozen=True)
class ScanResult:
    """The violations left after suppressions, and what the scan did with the files."""

    violations: list[Violation]
    files: int
    skipped: int = 0
    """Files the pre-filter showed cannot hold an LLM call (never parsed)."""
    unanalysable: int = 0
    """Files that could not be read or parsed (each an ``EFF900`` finding unless ignored)."""
    per_rule: dict[str, int] = field(default_factory=dict)


def scan(root: Path, config: EfficiencyConfig, paths: list[str] | None = None) -> ScanResult:
    """Run every rule on the ``.py`` files under ``paths`` (default: ``config.paths``)."""
    with fewer_collections():
        return _scan(root, config, paths)


def _scan(root: Path, config: EfficiencyConfig, paths: list[str] | None) -> ScanResult:
    files = _python_files(root, config, paths or _default_paths(root, config))
    may_call_llm = _candidate_filter(config.llm_calls)
    may_wrap_in_cache = _candidate_filter(config.caches)
    makes_client = _constructor_filter(config.llm_calls)
    project = Project(config.llm_calls)
    problems: list[Violation] = []
    deferred: list[tuple[Path, str, str]] = []
    package_names: dict[str, str] = {}

    def load(path: Path, relpath: str, source: str) -> None:
        try:
            tree = parse_source(relpath, source)
        except Unanalysable as error:
            problems.append(Violation(_UNANALYSABLE, relpath, error.line, 1, error.reason))
            return
        project.add(SourceModule(relpath, source, tree, _module_name(path, package_names)))

    for path, relpath in files:
        try:
            source = read_source(path)
        except Unanalysable as error:
            problems.append(Violation(_UNANALYSABLE, relpath, error.line, 1, error.reason))
            continue
        if may_call_llm(source) or may_wrap_in_cache(source) or makes_client(source):
            load(path, relpath, source)
        else:
            deferred.append((path, relpath, source))
    project.summarize()
    clients = spells_any(project.client_names(may_call_llm.classes), r"\b")
    for _ in range(_MAX_HELPER_ROUNDS):  # callers of helpers in files the pre-filter skipped
        spelled = spells_any(project.reaching_names())
        calling = [
            bool(spelled and spelled.search(entry[2]))
            or bool(clients and clients.search(entry[2]) and may_call_llm.spells_call(entry[2]))
            for entry in deferred
        ]
        callers = [entry for entry, calls in zip(deferred, calling, strict=True) if calls]
        if not callers:
            break
        deferred = [entry for entry, calls in zip(deferred, calling, strict=True) if not calls]
        for entry in callers:
            load(*entry)
        project.summarize()
    names = frozenset(
        name
        for module in project.modules
        for name in cached_names(module, list(module.matching(config.caches)))
    )
    violations = [v for v in problems if v.code not in config.ignore]
    for module in project.modules:
        file_scan = FileScan(
            module,
            config,
            project.llm_calls[module.relpath],
            names,
            project.helper_calls(module),
            project,
        )
        if not (file_scan.llm_calls or file_scan.helper_calls):
            continue
        suppressed = suppressions(module.relpath, module.source)
        try:
            found = [v for check in CHECKS for v in check(file_scan)]
        except RecursionError:
            found = [
                Violation(_UNANALYSABLE, module.relpath, 1, 1, "expressions nested too deeply")
            ]
        violations.extend(
            v
            for v in found
            if v.code not in config.ignore and v.code not in suppressed.get(v.line, ())
        )
    violations = sorted(set(violations), key=lambda v: (v.file, v.line, v.column, v.code))
    return ScanResult(
        violations,
        len(files),
        skipped=len(deferred),
        unanalysable=len(problems),
        per_rule=dict(sorted(Counter(v.code for v in violations).items())),
    )


@per_pattern_list
def _candidate_filter(patterns: tuple[CallPattern, ...]) -> CandidateFilter:
    """One compiled pre-filter per pattern list (its regexes cost more than a small scan)."""
    return CandidateFilter(patterns)


@per_pattern_list
def _constructor_filter(patterns: tuple[CallPattern, ...]) -> Callable[[str], bool]:
    """A text test: does the file construct a client of a ``module.Class().method``
    pattern (``client = Mistral(...)`` in a configuration module that others import the
    client from)? A class name several packages share (``Client``) must be spelled with
    its package (``cohere.Client(``): alone it is any library's client."""
    packages: dict[str, set[str]] = {}
    for pattern in patterns:
        if pattern.kind == "instance":
            package, _, word = pattern.target.rpartition(".")
            packages.setdefault(word, set()).add(package.partition(".")[0])
    spellings = [
        re.escape(word) if len(owners) == 1 else rf"(?:{'|'.join(sorted(owners))})\s*\.\s*{word}"
        for word, owners in sorted(packages.items())
    ]
    constructs = re.compile(r"\b(?:" + "|".join(spellings) + r")\s*\(") if spellings else None
    return lambda text: constructs is not None and constructs.search(text) is not None


def _default_paths(root: Path, config: EfficiencyConfig) -> list[str]:
    """``config.paths``; the root itself when those are the defaults and absent there
    (a checkout that is not laid out as a monorepo)."""
    if config.paths == EfficiencyConfig.paths and not (root / config.paths[0]).exists():
        return ["."]
    return list(config.paths)


def _python_files(root: Path, config: EfficiencyConfig, paths: list[str]) -> list[tuple[Path, str]]:
    """The ``.py`` files under ``paths`` with their root-relative POSIX paths (absolute
    for a path given outside the root), sorted."""
    root = root.resolve()
    found: dict[Path, str] = {}
    for entry in paths:
        base = (root / entry).resolve()
        if not base.exists():
            raise InputError(entry, "no such file or directory")
        if base.is_file():
            candidates = [(base, _shown(base, root))]
        else:
            candidates = []
            for directory, subdirs, filenames in os.walk(base):
                subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS)
                folder = Path(directory)
                shown = _shown(folder, root)
                prefix = "" if shown == "." else f"{shown}/"
                candidates += [(folder / f, prefix + f) for f in filenames if f.endswith(".py")]
        for path, relpath in candidates:
            if not any(fnmatch.fnmatch(relpath, glob) for glob in config.exclude):
                found[path] = relpath
    return sorted(found.items(), key=lambda item: item[1])


def _shown(path: Path, root: Path) -> str:
    """``path`` as findings name it: root-relative POSIX, absolute outside the root."""
    return (path.relative_to(root) if path.is_relative_to(root) else path).as_posix()


def _module_name(path: Path, known: dict[str, str]) -> str:
    """Dotted module name: the file's stem under its chain of ``__init__.py`` packages."""
    directory = os.path.dirname(path)  # a string: a Path per file and folder costs more
    return ".".join(filter(None, (_package_name(directory, known), path.stem))).removesuffix(
        ".__init__"
    )


def _package_name(directory: str, known: dict[str, str]) -> str:
    if directory not in known:
        parent = os.path.dirname(directory)
        if os.path.isfile(os.path.join(directory, "__init__.py")) and parent != directory:
            package = _package_name(parent, known)
            name = os.path.basename(directory)
            known[directory] = f"{package}.{name}" if package else name
        else:
            known[directory] = ""
    return known[directory]
