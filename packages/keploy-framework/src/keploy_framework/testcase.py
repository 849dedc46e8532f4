"""Keploy's ``kind: Http`` test case, read from and written to its exact document shape.

Fields this package does not interpret (``form``, ``body_ref``, ``app_port``,
assertions other than ``noise``...) are kept as read and written back unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from keploy_framework.errors import InputError
from keploy_framework.request_target import UnsafeTarget, request_target

__all__ = ["API_VERSION", "HttpRequest", "HttpResponse", "TestCase", "parse_test_case"]

API_VERSION = "api.keploy.io/v1beta1"
Body = str | bytes


@dataclass
class HttpRequest:
    """``spec.req``: the recorded request."""

    method: str
    url: str
    header: dict[str, str]
    body: Body
    timestamp: str
    proto_major: int = 1
    proto_minor: int = 1
    url_params: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "method": self.method,
            "proto_major": self.proto_major,
            "proto_minor": self.proto_minor,
            "url": self.url,
        }
        if self.url_params:
            document["url_params"] = dict(sorted(self.url_params.items()))
        document |= {"header": dict(sorted(self.header.items())), "body": self.body}
        document |= self.extra
        document["timestamp"] = self.timestamp
        return document


@dataclass
class HttpResponse:
    """``spec.resp``: the recorded response (body stored decompressed)."""

    status_code: int
    header: dict[str, str]
    body: Body
    timestamp: str
    status_message: str = ""
    proto_major: int = 0
    proto_minor: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "status_code": self.status_code,
            "header": dict(sorted(self.header.items())),
            "body": self.body,
            "status_message": self.status_message,
            "proto_major": self.proto_major,
            "proto_minor": self.proto_minor,
        }
        document |= self.extra
        document["timestamp"] = self.timestamp
        return document


@dataclass
class TestCase:
    """One recorded request/response pair with its noise assertions."""

    __test__ = False  # not a pytest class

    name: str
    request: HttpRequest
    response: HttpResponse
    noise: dict[str, list[str]] = field(default_factory=dict)
    created: int = 0
    curl: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    objects: list[Any] = field(default_factory=list)
    assertions_extra: dict[str, Any] = field(default_factory=dict)
    has_assertions: bool = True
    spec_extra: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        """The case as Keploy writes it: its Go structs' field order, map keys sorted."""
        spec: dict[str, Any] = {
            "metadata": self.metadata,
            "req": self.request.to_document(),
            "resp": self.response.to_document(),
            "objects": self.objects,
        }
        if self.has_assertions or self.noise or self.assertions_extra:
            spec["assertions"] = {
                "noise": dict(sorted(self.noise.items())),
                **self.assertions_extra,
            }
        if self.created:
            spec["created"] = self.created
        spec |= self.spec_extra
        document: dict[str, Any] = {
            "version": API_VERSION,
            "kind": "Http",
            "name": self.name,
            "spec": spec,
        }
        if self.curl:
            document["curl"] = self.curl
        document |= self.extra
        return document


class _Fields:
    """Typed access to a mapping, naming the dotted field in every error."""

    def __init__(self, source: Path | str, mapping: Any, prefix: str) -> None:
        if not isinstance(mapping, dict):
            raise InputError(source, f"{prefix or 'document'}: expected a mapping")
        self.source, self.mapping, self.prefix = source, dict(mapping), prefix

    def _where(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def take(self, key: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
        if key not in self.mapping or self.mapping[key] is None:
            self.mapping.pop(key, None)
            if required:
                raise InputError(self.source, f"{self._where(key)}: missing required field")
            return None
        value = self.mapping.pop(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise InputError(self.source, f"{self._where(key)}: wrong type {type(value).__name__}")
        return value

    def sub(self, key: str, *, required: bool = True) -> _Fields | None:
        value = self.take(key, dict, required=required)
        return None if value is None else _Fields(self.source, value, self._where(key))

    def string_map(self, key: str, *, required: bool = True) -> dict[str, str] | None:
        value = self.take(key, dict, required=required)
        if value is None:
            return None
        return {str(k): "" if v is None else str(v) for k, v in value.items()}

    def rest(self) -> dict[str, Any]:
        return self.mapping


def _timestamp(fields: _Fields) -> str:
    value = fields.take("timestamp", (str, int))
    return str(value)


def _noise(fields: _Fields) -> dict[str, list[str]]:
    noise = fields.take("noise", dict, required=False) or {}
    result: dict[str, list[str]] = {}
    for path, patterns in noise.items():
        if patterns is not None and not isinstance(patterns, list):
            where = f"{fields.prefix}.noise.{path}"
            raise InputError(fields.source, f"{where}: expected a list of regexes")
        result[str(path)] = [str(pattern) for pattern in patterns or []]
    return result


def parse_test_case(document: Any, source: Path | str) -> TestCase:
    """A :class:`TestCase` from a parsed document; a missing or mistyped field names itself."""
    top = _Fields(source, document, "")
    kind = top.take("kind", str)
    if kind != "Http":
        raise InputError(source, f"kind: unsupported kind {kind!r} (only Http test cases)")
    top.take("version", str)
    name = top.take("name", str)
    spec = top.sub("spec")
    assert spec is not None
    req = spec.sub("req")
    resp = spec.sub("resp")
    assert req is not None
    assert resp is not None
    request = HttpRequest(
        method=req.take("method", str).upper(),
        proto_major=req.take("proto_major", int, required=False) or 0,
        proto_minor=req.take("proto_minor", int, required=False) or 0,
        url=req.take("url", str),
        url_params=req.string_map("url_params", required=False),
        header=req.string_map("header", required=False) or {},
        body=req.take("body", (str, bytes), required=False) or "",
        timestamp=_timestamp(req),
    )
    request.extra = req.rest()
    try:
        request_target(request.url)
    except UnsafeTarget as error:
        raise InputError(source, f"spec.req.url: {error}") from None
    response = HttpResponse(
        status_code=resp.take("status_code", int),
        header=resp.string_map("header", required=False) or {},
        body=resp.take("body", (str, bytes), required=False) or "",
        status_message=resp.take("status_message", str, required=False) or "",
        proto_major=resp.take("proto_major", int, required=False) or 0,
        proto_minor=resp.take("proto_minor", int, required=False) or 0,
        timestamp=_timestamp(resp),
    )
    response.extra = resp.rest()
    has_assertions = "assertions" in spec.mapping and spec.mapping["assertions"] is not None
    assertions = spec.sub("assertions", required=False)
    case = TestCase(
        name=name,
        request=request,
        response=response,
        noise=_noise(assertions) if assertions else {},
        has_assertions=has_assertions,
        assertions_extra=assertions.rest() if assertions else {},
        metadata=spec.take("metadata", dict, required=False) or {},
        objects=spec.take("objects", list, required=False) or [],
        created=spec.take("created", int, required=False) or 0,
        curl=top.take("curl", str, required=False) or "",
    )
    case.spec_extra = spec.rest()
    case.extra = top.rest()
    return case
