"""``[tool.tta.efficiency]`` of the root pyproject.toml: what to scan and which calls count.

Every key is optional::

    [tool.tta.efficiency]
    paths = ["packages"]          # files and folders to scan, relative to the root
    exclude = ["*/migrations/*"]  # fnmatch globs on root-relative POSIX paths
    ignore = ["EFF002"]           # rule codes switched off everywhere
    llm-calls = ["tta_api.models.Model().complete",
                 { pattern = "acme.Client().ask", max-tokens = ["limit"] }]
    concurrency = ["acme.fan_out"]
    caches = ["acme.memoize"]
    routers = ["acme.pick_model"]

The pattern lists add to the defaults of :mod:`tta_tooling.efficiency.defaults`.
A malformed value is an :class:`~tta_tooling.errors.InputError` naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tta_tooling.efficiency import defaults
from tta_tooling.efficiency.patterns import CallPattern, PatternError, parse_pattern
from tta_tooling.efficiency.registry import RULES
from tta_tooling.errors import InputError
from tta_tooling.tool_tables import reject_unknown_keys, tta_table

__all__ = ["EfficiencyConfig", "load_config"]

_SECTION = "[tool.tta.efficiency]"
_KEYS = frozenset({"paths", "exclude", "ignore", "llm-calls", "concurrency", "caches", "routers"})


@dataclass(frozen=True)
class EfficiencyConfig:
    """What the efficiency rules scan and the patterns they recognise."""

    paths: tuple[str, ...] = ("packages",)
    exclude: tuple[str, ...] = ()
    ignore: frozenset[str] = frozenset()
    llm_calls: tuple[CallPattern, ...] = ()
    concurrency: tuple[CallPattern, ...] = ()
    caches: tuple[CallPattern, ...] = ()
    routers: tuple[CallPattern, ...] = ()

    @classmethod
    def from_table(cls, table: dict[str, Any], source: Path | str) -> EfficiencyConfig:
        """Validate ``table`` (the section's contents) read from ``source``."""
        reject_unknown_keys(table, _KEYS, _SECTION, source)
        ignore = _strings(table, "ignore", (), source)
        for code in ignore:
            if code not in RULES:
                raise InputError(
                    source,
                    f"{_SECTION}.ignore: unknown rule code {code!r} (known: {', '.join(RULES)})",
                )
        paths = _strings(table, "paths", cls.paths, source)
        if not paths:
            raise InputError(source, f"{_SECTION}.paths: name at least one file or folder")
        return cls(
            paths=paths,
            exclude=_strings(table, "exclude", (), source),
            ignore=frozenset(ignore),
            llm_calls=_llm_calls(table.get("llm-calls", []), source),
            concurrency=_patterns(table, "concurrency", defaults.CONCURRENCY, source),
            caches=_patterns(table, "caches", defaults.CACHES, source),
            routers=_patterns(table, "routers", defaults.ROUTERS, source),
        )


def load_config(root: Path) -> EfficiencyConfig:
    """The configuration in ``root/pyproject.toml`` (defaults when the section is absent)."""
    pyproject = root / "pyproject.toml"
    return EfficiencyConfig.from_table(tta_table(pyproject, "efficiency"), pyproject)


def _strings(
    table: dict[str, Any], key: str, default: tuple[str, ...], source: Path | str
) -> tuple[str, ...]:
    value = table.get(key, default)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InputError(source, f"{_SECTION}.{key}: expected a list of strings")
    return tuple(value)


def _patterns(
    table: dict[str, Any], key: str, builtin: tuple[str, ...], source: Path | str
) -> tuple[CallPattern, ...]:
    texts = (*builtin, *_strings(table, key, (), source))
    try:
        return tuple(parse_pattern(text) for text in texts)
    except PatternError as error:
        raise InputError(source, f"{_SECTION}.{key}: {error}") from error


def _llm_calls(value: object, source: Path | str) -> tuple[CallPattern, ...]:
    field = "llm-calls"
    if not isinstance(value, list):
        raise InputError(source, f"{_SECTION}.{field}: expected a list")
    entries: list[tuple[str, tuple[str, ...]]] = list(defaults.LLM_CALLS)
    for index, entry in enumerate(value):
        where = f"{field}[{index}]"
        if isinstance(entry, str):
            entries.append((entry, defaults.DEFAULT_LIMITS))
        elif isinstance(entry, dict) and set(entry) <= {"pattern", "max-tokens"}:
            pattern = entry.get("pattern")
            limits = entry.get("max-tokens", list(defaults.DEFAULT_LIMITS))
            if not isinstance(pattern, str) or not (
                isinstance(limits, list) and limits and all(isinstance(k, str) for k in limits)
            ):
                raise InputError(
                    source,
                    f"{_SECTION}.{where}: expected pattern = string and "
                    "max-tokens = non-empty list of strings",
                )
            entries.append((pattern, tuple(limits)))
        else:
            raise InputError(
                source,
                f"{_SECTION}.{where}: expected a pattern string or "
                "{ pattern = ..., max-tokens = [...] }",
            )
    try:
        return tuple(parse_pattern(text, frozenset(limits)) for text, limits in entries)
    except PatternError as error:
        raise InputError(source, f"{_SECTION}.{field}: {error}") from error
