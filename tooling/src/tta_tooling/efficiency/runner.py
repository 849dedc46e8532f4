"""Scan the configured files: pre-filter, parse, run every check, apply suppressions.

A file whose text cannot hold a configured LLM call (nor a cache wrapper, which
may wrap a step defined elsewhere) cannot break a rule, so it is not parsed
(:mod:`~tta_tooling.efficiency.prefilter`).
"""

from __future__ import annotations

import ast
import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from tta_tooling.efficiency.config import EfficiencyConfig
from tta_tooling.efficiency.module import SourceModule
from tta_tooling.efficiency.prefilter import CandidateFilter
from tta_tooling.efficiency.registry import Violation
from tta_tooling.efficiency.rules import CHECKS, FileScan
from tta_tooling.efficiency.rules.caching import cached_names
from tta_tooling.efficiency.suppressions import suppressions
from tta_tooling.errors import InputError, read_input

__all__ = ["ScanResult", "scan"]

_SKIPPED_DIRS = frozenset(
    {".git", ".nox", ".venv", "venv", "__pycache__", "node_modules", ".mypy_cache", ".ruff_cache"}
)


@dataclass(frozen=True)
class ScanResult:
    """The violations left after suppressions, and how many files were scanned."""

    violations: list[Violation]
    files: int


def scan(root: Path, config: EfficiencyConfig, paths: list[str] | None = None) -> ScanResult:
    """Run every rule on the ``.py`` files under ``paths`` (default: ``config.paths``)."""
    files = _python_files(root, config, paths or list(config.paths))
    may_call_llm = CandidateFilter(config.llm_calls)
    may_wrap_in_cache = CandidateFilter(config.caches)
    modules: list[tuple[SourceModule, dict[int, frozenset[str]]]] = []
    names: set[str] = set()
    package_names: dict[Path, str] = {}
    for path, relpath in files:
        source = read_input(path).removeprefix("\ufeff")
        suppressed = suppressions(relpath, source)
        has_llm = may_call_llm(source)
        if not has_llm and not may_wrap_in_cache(source):
            continue
        module = SourceModule(
            relpath, source, _parse(relpath, source), _module_name(path, package_names)
        )
        names |= cached_names(module, list(module.matching(config.caches)))
        if has_llm:
            modules.append((module, suppressed))
    frozen_names = frozenset(names)
    violations: list[Violation] = []
    for module, suppressed in modules:
        file_scan = FileScan(module, config, module.llm_calls(config.llm_calls), frozen_names)
        if not file_scan.llm_calls:
            continue
        try:
            found = [v for check in CHECKS for v in check(file_scan)]
        except RecursionError as error:
            raise InputError(module.relpath, "expressions nested too deeply to analyse") from error
        violations.extend(
            v
            for v in found
            if v.code not in config.ignore and v.code not in suppressed.get(v.line, ())
        )
    violations.sort(key=lambda v: (v.file, v.line, v.column, v.code))
    return ScanResult(violations, len(files))


def _parse(relpath: str, source: str) -> ast.Module:
    try:
        return ast.parse(source, filename=relpath)
    except SyntaxError as error:
        raise InputError(relpath, f"cannot parse: {error.msg}", line=error.lineno) from error
    except (ValueError, RecursionError) as error:  # null bytes; nesting deeper than Python's
        raise InputError(relpath, f"cannot parse: {error}") from error


def _python_files(root: Path, config: EfficiencyConfig, paths: list[str]) -> list[tuple[Path, str]]:
    """The ``.py`` files under ``paths`` with their root-relative POSIX paths, sorted."""
    root = root.resolve()
    found: dict[Path, str] = {}
    for entry in paths:
        base = (root / entry).resolve()
        if not base.exists():
            raise InputError(entry, "no such file or directory")
        if not base.is_relative_to(root):
            raise InputError(entry, f"outside the repository root {root}")
        candidates = [base] if base.is_file() else []
        for directory, subdirs, filenames in os.walk(base):
            subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS)
            candidates.extend(Path(directory, f) for f in filenames if f.endswith(".py"))
        for path in candidates:
            relpath = path.relative_to(root).as_posix()
            if not any(fnmatch.fnmatch(relpath, glob) for glob in config.exclude):
                found[path] = relpath
    return sorted(found.items(), key=lambda item: item[1])


def _module_name(path: Path, known: dict[Path, str]) -> str:
    """Dotted module name: the file's stem under its chain of ``__init__.py`` packages."""
    return ".".join(filter(None, (_package_name(path.parent, known), path.stem))).removesuffix(
        ".__init__"
    )


def _package_name(directory: Path, known: dict[Path, str]) -> str:
    if directory not in known:
        if (directory / "__init__.py").is_file() and directory.parent != directory:
            parent = _package_name(directory.parent, known)
            known[directory] = f"{parent}.{directory.name}" if parent else directory.name
        else:
            known[directory] = ""
    return known[directory]
