"""Endpoint coverage: OpenAPI operations matched against recorded (method, path) pairs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from keploy_framework import yamlio
from keploy_framework.errors import InputError
from keploy_framework.testcase import TestCase

__all__ = ["Endpoint", "EndpointCoverage", "endpoint_coverage", "load_openapi"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Endpoint:
    """One OpenAPI operation."""

    method: str
    path: str

    def matches(self, method: str, path: str) -> bool:
        if method.upper() != self.method:
            return False
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(self.path))
        return re.fullmatch(pattern, path) is not None


@dataclass(frozen=True)
class EndpointCoverage:
    """Covered and uncovered operations; ``percent`` is 100 when the document has none."""

    covered: tuple[Endpoint, ...]
    uncovered: tuple[Endpoint, ...]

    @property
    def percent(self) -> float:
        total = len(self.covered) + len(self.uncovered)
        return 100.0 if total == 0 else 100.0 * len(self.covered) / total


def load_openapi(source: str) -> dict[str, Any]:
    """An OpenAPI document from a URL (``/openapi.json``) or a JSON/YAML file."""
    if source.startswith(("http://", "https://")):
        try:
            response = httpx.get(source, timeout=10.0, trust_env=False)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, json.JSONDecodeError) as error:
            raise InputError(source, f"cannot fetch the OpenAPI document: {error}") from error
    else:
        document = yamlio.read_document(Path(source))
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        raise InputError(source, "paths: missing required field")
    return document


def endpoint_coverage(openapi: dict[str, Any], cases: list[TestCase]) -> EndpointCoverage:
    """Which operations at least one recorded case exercises."""
    endpoints = [
        Endpoint(method.upper(), path)
        for path, item in openapi["paths"].items()
        if isinstance(item, dict)
        for method in item
        if method.lower() in _METHODS
    ]
    recorded = {(case.request.method, urlsplit(case.request.url).path or "/") for case in cases}
    covered = tuple(e for e in endpoints if any(e.matches(m, p) for m, p in recorded))
    uncovered = tuple(e for e in endpoints if e not in covered)
    return EndpointCoverage(covered, uncovered)
