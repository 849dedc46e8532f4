"""The replay/record configuration file (``tests/keploy-config.yml``), validated by a schema."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from keploy_framework import yamlio
from keploy_framework.errors import InputError

__all__ = ["SCHEMA", "Config", "Filter", "load_config"]

_FILTER = {
    "type": "object",
    "additionalProperties": False,
    "required": ["path"],
    "properties": {"path": {"type": "string"}, "method": {"type": "string"}},
}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_NOISE_MAP = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "version": {"type": ["integer", "string"]},
        "name": {"type": "string"},
        "test_mode": {"enum": ["record", "replay"]},
        "config": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "timeout": {"type": "number", "exclusiveMinimum": 0},
                "delay": {"type": "number", "minimum": 0},
                "ports": {"type": "array", "items": {"type": "integer"}},
                "health_path": {"type": "string"},
                "filters": {"type": "array", "items": _FILTER},
                "exclude": {"type": "array", "items": _FILTER},
                "noise": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "global": _NOISE_MAP,
                        "ignore_ordering": {"type": "boolean"},
                    },
                },
                "redaction": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "headers": _STRINGS,
                        "json_keys": _STRINGS,
                        "query_params": _STRINGS,
                    },
                },
                "thresholds": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "pass_rate": {"type": "number", "minimum": 0, "maximum": 100},
                        "endpoint_coverage": {"type": "number", "minimum": 0, "maximum": 100},
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Filter:
    """A path glob (``/api/v1/*``) and an optional method."""

    path: str
    method: str | None = None

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.path)


@dataclass(frozen=True)
class Config:
    """Validated settings; every field has the default a missing file gets."""

    name: str = ""
    timeout: float = 30.0
    delay: float = 0.0
    health_path: str = "/health"
    ports: tuple[int, ...] = ()
    include: tuple[Filter, ...] = ()
    exclude: tuple[Filter, ...] = ()
    global_noise: dict[str, list[str]] = field(default_factory=dict)
    ignore_ordering: bool = False
    redact_headers: tuple[str, ...] = ()
    redact_json_keys: tuple[str, ...] = ()
    redact_query_params: tuple[str, ...] = ()
    pass_rate: float = 95.0
    endpoint_coverage: float = 100.0

    def records(self, method: str, path: str) -> bool:
        """Whether a request passes the include and exclude filters."""
        if self.include and not any(f.matches(method, path) for f in self.include):
            return False
        return not any(f.matches(method, path) for f in self.exclude)


def load_config(path: Path | None) -> Config:
    """The config at ``path`` (defaults when ``None``); invalid content names key and file."""
    if path is None:
        return Config()
    document = yamlio.read_document(path)
    if document is None:
        return Config()
    validator = jsonschema.Draft202012Validator(SCHEMA)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        raise InputError(path, _describe(error))
    section: dict[str, Any] = document.get("config") or {}
    noise = section.get("noise") or {}
    redaction = section.get("redaction") or {}
    thresholds = section.get("thresholds") or {}
    return Config(
        name=str(document.get("name", "")),
        timeout=float(section.get("timeout", 30.0)),
        delay=float(section.get("delay", 0.0)),
        health_path=str(section.get("health_path", "/health")),
        ports=tuple(section.get("ports", ())),
        include=tuple(Filter(f["path"], f.get("method")) for f in section.get("filters", [])),
        exclude=tuple(Filter(f["path"], f.get("method")) for f in section.get("exclude", [])),
        global_noise={k: list(v) for k, v in (noise.get("global") or {}).items()},
        ignore_ordering=bool(noise.get("ignore_ordering", False)),
        redact_headers=tuple(redaction.get("headers", ())),
        redact_json_keys=tuple(redaction.get("json_keys", ())),
        redact_query_params=tuple(redaction.get("query_params", ())),
        pass_rate=float(thresholds.get("pass_rate", 95.0)),
        endpoint_coverage=float(thresholds.get("endpoint_coverage", 100.0)),
    )


def _describe(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(part) for part in error.absolute_path) or "document"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = set(schema.get("properties", {}))
        unknown = sorted(str(key) for key in error.instance if key not in allowed)
        keys = ", ".join(repr(key) for key in unknown)
        return f"unknown key {keys} in {where}" if unknown else f"{where}: {error.message}"
    return f"{where}: {error.message}"
