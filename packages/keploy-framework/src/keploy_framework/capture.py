"""Turn raw HTTP exchanges into Keploy test-case parts, as Keploy's recorder shapes them."""

from __future__ import annotations

import shlex
import time
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import parse_qsl

from keploy_framework.headers import decode_body, join_headers, text_or_bytes
from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase

__all__ = ["curl_command", "make_case", "make_request", "make_response", "rfc3339nano"]

RawHeaders = list[tuple[str, str]]


def rfc3339nano(ns: int | None = None) -> str:
    """Go's ``time.RFC3339Nano`` in UTC (trailing zeros of the fraction dropped)."""
    value = time.time_ns() if ns is None else ns
    seconds, nanos = divmod(value, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{nanos:09d}".rstrip("0")
    return f"{stamp}.{fraction}Z" if fraction else f"{stamp}Z"


def make_request(
    method: str, url: str, headers: RawHeaders, body: bytes, *, timestamp: str, version: str = "1.1"
) -> HttpRequest:
    """``spec.req`` for a request as received."""
    major, _, minor = version.partition(".")
    query = url.partition("?")[2]
    params = dict(reversed(parse_qsl(query, keep_blank_values=True))) if query else None
    return HttpRequest(
        method=method.upper(),
        proto_major=int(major or 1),
        proto_minor=int(minor or 0),
        url=url,
        url_params=dict(sorted(params.items())) if params else None,
        header=join_headers(headers),
        body=text_or_bytes(body),
        timestamp=timestamp,
    )


def make_response(status: int, headers: RawHeaders, body: bytes, timestamp: str) -> HttpResponse:
    """``spec.resp`` for a response; a gzip/deflate body is stored decompressed."""
    joined = join_headers(headers)
    decoded, _ = decode_body(body, joined.get("Content-Encoding"))
    try:
        message = HTTPStatus(status).phrase
    except ValueError:
        message = ""
    return HttpResponse(
        status_code=status,
        header=joined,
        body=text_or_bytes(decoded),
        status_message=message,
        timestamp=timestamp,
    )


def curl_command(request: HttpRequest) -> str:
    """The ``curl`` line Keploy stores beside a case."""
    lines = [f"curl --request {request.method} \\", f"  --url {request.url} \\"]
    lines += [
        f"  --header {shlex.quote(f'{name}: {value}')} \\"
        for name, value in request.header.items()
        if name.lower() != "content-length"
    ]
    if isinstance(request.body, str) and request.body:
        lines.append(f"  --data {shlex.quote(request.body)}")
    else:
        lines[-1] = lines[-1].removesuffix(" \\")
    return "\n".join(lines)


def make_case(name: str, request: HttpRequest, response: HttpResponse) -> TestCase:
    """A new case; noise and redaction are applied by the caller before ``curl`` is set."""
    return TestCase(name=name, request=request, response=response, created=int(time.time()))
