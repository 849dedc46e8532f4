"""The replay/record configuration file (``tests/keploy-config.yml``), validated by a schema."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema

from keploy_framework import yamlio
from keploy_framework.compare import MatchOptions
from keploy_framework.errors import InputError
from keploy_framework.noise_match import NoiseSections, split_noise

__all__ = ["SCHEMA", "AppEnvironment", "Config", "Filter", "load_config"]

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
# Either the flat case form ({"body.id": [regex]}) or keploy.yml's sectioned form
# ({"body": {"id": [regex]}, "header": {"Date": []}}).
_GLOBAL_NOISE = {
    "type": "object",
    "additionalProperties": {"anyOf": [_STRINGS, _NOISE_MAP]},
}
_TEST_SET_NOISE = {"type": "object", "additionalProperties": _GLOBAL_NOISE}
# keploy.yml's test.globalNoise: {global: {...}, test-sets: {<set>: {...}}}.
_KEPLOY_GLOBAL_NOISE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"global": _GLOBAL_NOISE, "test-sets": _TEST_SET_NOISE},
}
_BOOLEAN = {"type": "boolean"}
# keploy.yml's `test` section, pasted as is: the matcher settings are read and
# validated; its other settings concern the Keploy binary and are ignored.
_KEPLOY_TEST = {
    "type": "object",
    "properties": {
        "globalNoise": _KEPLOY_GLOBAL_NOISE,
        "ignoreOrdering": _BOOLEAN,
        "compareAll": _BOOLEAN,
        "disableAutoHeaderNoise": _BOOLEAN,
    },
}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "version": {"type": ["integer", "string"]},
        "name": {"type": "string"},
        "test_mode": {"enum": ["record", "replay"]},
        "test": _KEPLOY_TEST,
        "config": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "timeout": {"type": "number", "exclusiveMinimum": 0},
                "delay": {"type": "number", "minimum": 0},
                "ports": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1, "maximum": 65535},
                },
                "health_path": {"type": "string"},
                "app_environment": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "unset": _STRINGS,
                        "set": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                },
                "mode": {"enum": ["keploy", "strict"]},
                "compare_all": _BOOLEAN,
                "compareAll": _BOOLEAN,
                "disable_auto_header_noise": _BOOLEAN,
                "disableAutoHeaderNoise": _BOOLEAN,
                "ignoreOrdering": _BOOLEAN,
                "globalNoise": _KEPLOY_GLOBAL_NOISE,
                "filters": {"type": "array", "items": _FILTER},
                "exclude": {"type": "array", "items": _FILTER},
                "noise": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "global": _GLOBAL_NOISE,
                        "test_sets": _TEST_SET_NOISE,
                        "test-sets": _TEST_SET_NOISE,
                        "ignore_ordering": _BOOLEAN,
                        "ignoreOrdering": _BOOLEAN,
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
class AppEnvironment:
    """``config.app_environment``: the environment the app under test starts with.

    Names matching an ``unset`` glob (``TTA_*``) are dropped from the starting
    process's environment, then ``values`` are set, so a recording and its replays
    see the same settings whatever the developer's shell exports.
    """

    unset: tuple[str, ...] = ()
    values: Mapping[str, str] = field(default_factory=dict)

    def apply(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` without the unset names, with ``values`` on top."""
        kept = {
            name: value
            for name, value in base.items()
            if not any(fnmatch.fnmatchcase(name, pattern) for pattern in self.unset)
        }
        return {**kept, **self.values}


@dataclass(frozen=True)
class Config:
    """Validated settings; every field has the default a missing file gets."""

    name: str = ""
    timeout: float = 30.0
    delay: float = 0.0
    health_path: str = "/health"
    ports: tuple[int, ...] = ()
    app_environment: AppEnvironment = field(default_factory=AppEnvironment)
    include: tuple[Filter, ...] = ()
    exclude: tuple[Filter, ...] = ()
    mode: str = "keploy"
    global_noise: NoiseSections = field(default_factory=dict)
    test_set_noise: dict[str, NoiseSections] = field(default_factory=dict)
    ignore_ordering: bool | None = None
    compare_all: bool = False
    disable_auto_header_noise: bool = False
    redact_headers: tuple[str, ...] = ()
    redact_json_keys: tuple[str, ...] = ()
    redact_query_params: tuple[str, ...] = ()
    pass_rate: float = 95.0
    endpoint_coverage: float = 100.0

    def noise_for(self, test_set: str) -> NoiseSections:
        """``httpNoiseConfig`` (pkg/service/replay/replay.go): global noise, the set's on top."""
        return _left_join(self.global_noise, self.test_set_noise.get(test_set, {}))

    def match_options(self) -> MatchOptions:
        """The matcher settings; ``ignoreOrdering`` is true unless set (config/default.go)."""
        strict = self.mode == "strict"
        ordering = not strict if self.ignore_ordering is None else self.ignore_ordering
        return MatchOptions(
            strict=strict,
            ignore_ordering=ordering,
            compare_all=self.compare_all,
            auto_header_noise=not self.disable_auto_header_noise,
        )

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
    app_environment = section.get("app_environment") or {}
    keploy_test: dict[str, Any] = document.get("test") or {}
    keploy_noise = section.get("globalNoise") or keploy_test.get("globalNoise") or {}
    return Config(
        name=str(document.get("name", "")),
        timeout=float(section.get("timeout", 30.0)),
        delay=float(section.get("delay", 0.0)),
        health_path=str(section.get("health_path", "/health")),
        ports=tuple(section.get("ports", ())),
        app_environment=AppEnvironment(
            tuple(app_environment.get("unset", ())), dict(app_environment.get("set", {}))
        ),
        include=tuple(Filter(f["path"], f.get("method")) for f in section.get("filters", [])),
        exclude=tuple(Filter(f["path"], f.get("method")) for f in section.get("exclude", [])),
        mode=str(section.get("mode", "keploy")),
        global_noise=_left_join(
            _sections(noise.get("global") or {}), _sections(keploy_noise.get("global") or {})
        ),
        test_set_noise=_test_set_noise(noise, keploy_noise),
        ignore_ordering=_first("ignore_ordering", "ignoreOrdering", noise, section, keploy_test),
        compare_all=bool(_first("compare_all", "compareAll", section, keploy_test)),
        disable_auto_header_noise=bool(
            _first("disable_auto_header_noise", "disableAutoHeaderNoise", section, keploy_test)
        ),
        redact_headers=tuple(redaction.get("headers", ())),
        redact_json_keys=tuple(redaction.get("json_keys", ())),
        redact_query_params=tuple(redaction.get("query_params", ())),
        pass_rate=float(thresholds.get("pass_rate", 95.0)),
        endpoint_coverage=float(thresholds.get("endpoint_coverage", 100.0)),
    )


def _first(name: str, keploy_name: str, *mappings: dict[str, Any]) -> Any:
    """A setting under this project's name or keploy.yml's, from the first mapping that has it."""
    for mapping in mappings:
        for key in (name, keploy_name):
            if key in mapping:
                return mapping[key]
    return None


def _sections(noise: dict[str, Any]) -> NoiseSections:
    """Either noise form as keploy.yml's sections; the flat form goes through SplitNoise."""
    flat = {k: v for k, v in noise.items() if isinstance(v, list)}
    body, header, skip_body = split_noise(flat)
    sections: NoiseSections = {"body": body, "header": header}
    if skip_body:
        body["*"] = ["*"]
    for name, fields in noise.items():
        if isinstance(fields, dict):
            sections.setdefault(name.lower(), {}).update({k: list(v) for k, v in fields.items()})
    return sections


def _left_join(base: NoiseSections, override: NoiseSections) -> NoiseSections:
    """``LeftJoinNoise`` (pkg/service/replay/utils.go): override's fields replace base's."""
    joined = {section: dict(fields) for section, fields in base.items()}
    for section, fields in override.items():
        joined.setdefault(section, {}).update(fields)
    return joined


def _test_set_noise(
    noise: dict[str, Any], keploy_noise: dict[str, Any]
) -> dict[str, NoiseSections]:
    merged: dict[str, NoiseSections] = {}
    for source in (noise.get("test_sets"), noise.get("test-sets"), keploy_noise.get("test-sets")):
        for name, sets in (source or {}).items():
            merged[name] = _left_join(merged.get(name, {}), _sections(sets))
    return merged


def _describe(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(part) for part in error.absolute_path) or "document"
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = set(schema.get("properties", {}))
        unknown = sorted(str(key) for key in error.instance if key not in allowed)
        keys = ", ".join(repr(key) for key in unknown)
        return f"unknown key {keys} in {where}" if unknown else f"{where}: {error.message}"
    return f"{where}: {error.message}"
