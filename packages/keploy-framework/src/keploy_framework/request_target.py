"""The request target a recorded case may send: an origin-form path on the app under test.

The replayer joins the configured base URL and this target, so a target that is not
a plain ``/path?query`` could move the request elsewhere: ``@host:port/`` turns the
base into userinfo, ``//host`` and ``\\host`` read as an authority to WHATWG parsers,
and control characters split or smuggle a request line. Keploy's own replayer
(pkg/service/replay/replay.go) always sends to the app it started; so does this one.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

__all__ = ["UnsafeTarget", "request_target"]

_SCHEMES = frozenset({"", "http", "https"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UnsafeTarget(ValueError):
    """A recorded URL whose request target could reach another scheme, host or port."""


def request_target(url: str) -> str:
    """The origin-form target (``/path?query``) of a recorded ``url``; unsafe ones raise."""
    _refuse_text(url, "URL")
    parts = urlsplit(url)
    if parts.scheme.lower() not in _SCHEMES:
        raise UnsafeTarget(f"scheme {parts.scheme!r} is not http or https")
    if not parts.scheme and url.startswith(("//", "\\")):
        raise UnsafeTarget(f"{url!r} is scheme-relative (names a host)")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    for text in _decodings(target):
        _refuse_text(text, "request target")
        if not text.startswith("/"):
            raise UnsafeTarget(f"request target {target!r} does not start with '/'")
        if text.startswith("//"):
            raise UnsafeTarget(f"request target {target!r} starts with '//' (an authority)")
        if "\\" in text:
            raise UnsafeTarget(f"request target {target!r} contains a backslash")
        if "://" in text.split("?", 1)[0]:
            raise UnsafeTarget(f"request target {target!r} holds an absolute URL")
    return target


def _decodings(target: str) -> list[str]:
    """``target`` and each percent-decoding of it until it stops changing (double encoding)."""
    texts = [target]
    while len(texts) < 4 and (decoded := unquote(texts[-1])) != texts[-1]:
        texts.append(decoded)
    return texts


def _refuse_text(text: str, what: str) -> None:
    match = _CONTROL.search(text)
    if match:
        raise UnsafeTarget(f"{what} contains control character {match.group()!r}")
