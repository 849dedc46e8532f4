"""``[tool.tta.secrets]`` of the root pyproject.toml: what the secrets gate scans.

Every key is optional::

    [tool.tta.secrets]
    baseline = ".secrets.baseline"       # detect-secrets baseline: detectors, filters, audit
    names = "packages/keploy-framework/src/keploy_framework/sensitive_names.json"
    artifacts = [".nox/reports", "tests/api"]  # folders the gates write, scanned when present
    exclude = ["docs/*.png"]             # fnmatch globs on root-relative POSIX paths

A malformed value is an :class:`~tta_tooling.errors.InputError` naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from tta_tooling.errors import InputError
from tta_tooling.tool_tables import reject_unknown_keys, tta_table

__all__ = ["SecretsConfig", "load_config"]

_SECTION = "[tool.tta.secrets]"
_KEYS = frozenset({"baseline", "names", "artifacts", "exclude"})


@dataclass(frozen=True)
class SecretsConfig:
    """Paths relative to the repository root."""

    baseline: str = ".secrets.baseline"
    names: str | None = None
    artifacts: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def from_table(cls, table: dict[str, Any], source: Path | str) -> SecretsConfig:
        """Validate ``table`` (the section's contents) read from ``source``."""
        reject_unknown_keys(table, _KEYS, _SECTION, source)
        return cls(
            baseline=_string(table, "baseline", cls.baseline, source),
            names=_string(table, "names", None, source),
            artifacts=_inside(_strings(table, "artifacts", source), "artifacts", source),
            exclude=_strings(table, "exclude", source),
        )


def load_config(root: Path) -> SecretsConfig:
    """The configuration in ``root/pyproject.toml`` (defaults when the section is absent)."""
    pyproject = root / "pyproject.toml"
    return SecretsConfig.from_table(tta_table(pyproject, "secrets"), pyproject)


def _string(table: dict[str, Any], key: str, default: str | None, source: Path | str) -> Any:
    value = table.get(key, default)
    if value is not None and (not isinstance(value, str) or not value):
        raise InputError(source, f"{_SECTION}.{key}: expected a non-empty path string")
    return value


def _inside(patterns: tuple[str, ...], key: str, source: Path | str) -> tuple[str, ...]:
    for pattern in patterns:
        if PurePosixPath(pattern).is_absolute() or ".." in PurePosixPath(pattern).parts:
            raise InputError(source, f"{_SECTION}.{key}: {pattern!r} is not inside the root")
    return patterns


def _strings(table: dict[str, Any], key: str, source: Path | str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(source, f"{_SECTION}.{key}: expected a list of non-empty strings")
    return tuple(value)
