"""HTTP header and body conventions of Keploy's Go recorder."""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterable

__all__ = ["canonical_header_key", "decode_body", "join_headers", "text_or_bytes"]

_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def canonical_header_key(name: str) -> str:
    """Go's ``textproto.CanonicalMIMEHeaderKey``: ``content-type`` -> ``Content-Type``.

    A name with a character outside the token set is returned unchanged, as Go does.
    """
    if not _TOKEN.match(name):
        return name
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def join_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Canonical names, repeated values joined with ``","`` in arrival order."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        key = canonical_header_key(name)
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def decode_body(body: bytes, content_encoding: str | None) -> tuple[bytes, bool]:
    """The body with gzip/deflate content-encoding removed, and whether it was decoded."""
    encoding = (content_encoding or "").strip().lower()
    try:
        if encoding in {"gzip", "x-gzip"}:
            return gzip.decompress(body), True
        if encoding == "deflate":
            try:
                return zlib.decompress(body), True
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS), True
    except (OSError, EOFError, zlib.error):
        return body, False
    return body, False


def text_or_bytes(body: bytes) -> str | bytes:
    """UTF-8 text as ``str`` (written plain); anything else stays bytes (``!!binary``)."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body
