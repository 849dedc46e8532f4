"""Cache keys: a canonical, type-tagged encoding of an input, hashed.

Two inputs get the same key exactly when they are equal under this rule:

* ``None``, ``bool``, ``int``, ``float``, ``str`` and ``bytes`` are equal when
  they have the same type and value (``1``, ``1.0`` and ``True`` are three
  different keys; floats compare by their exact IEEE 754 bits, so ``0.0`` and
  ``-0.0`` differ, a NaN equals a NaN with the same bits, and NaNs of another
  sign or payload (``-nan``, a signalling NaN) are other keys; :class:`JsonCodec`
  gives back those same bits, so a remote hit equals what was stored);
* ``list`` and ``tuple`` (two different kinds) are equal item by item, in order;
  a named tuple is also keyed by its class;
* ``dict``, ``set`` and ``frozenset`` are equal when they hold equal entries,
  whatever the insertion order;
* enum members, dataclass instances (the fields that take part in ``==``) and
  pydantic models (their declared fields) are equal when their class
  (module and qualified name) and values are equal.

Anything else (including subclasses of the builtin types above) has no
canonical encoding: :func:`canonical_bytes` raises :class:`UnkeyableInputError`.
In-process storage keys by the encoding itself (:func:`identity`); remote
storage by its 128-bit BLAKE2b hash (:func:`digest`), which bounds key size.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import os
import reprlib
import struct
from typing import Any, Final

__all__ = ["UnkeyableInputError", "canonical_bytes", "digest", "identity", "telemetry_hash"]

_PACK_FLOAT: Final = struct.Struct(">d").pack
_TELEMETRY_KEY: Final = os.urandom(16)
"""Keys :func:`telemetry_hash` per process, so exported hashes cannot be brute-forced
back to low-entropy inputs."""


class UnkeyableInputError(TypeError):
    """A value has no canonical encoding; ``path`` says where it sits in the input."""

    def __init__(self, value: object, path: str) -> None:
        self.value_type = type(value)
        self.path = path
        super().__init__(
            f"{path} is a {self.value_type.__module__}.{self.value_type.__qualname__}, "
            "which has no canonical cache key encoding"
        )


def identity(value: Any) -> str:
    """``value``'s canonical encoding as text, unhashed: the key for in-process storage.

    Raises :class:`UnkeyableInputError` when ``value`` cannot be encoded.
    """
    if type(value) is str:  # fast path for the most common input: a prompt
        return "s" + value
    return canonical_bytes(value).decode("latin-1")


def digest(value: Any) -> str:
    """The hex digest (128-bit BLAKE2b) of ``value``'s canonical encoding.

    Raises :class:`UnkeyableInputError` when ``value`` cannot be encoded.
    """
    if type(value) is str:  # fast path for the most common input: a prompt
        data = b"s" + value.encode("utf-8", "surrogatepass")
    else:
        data = canonical_bytes(value)
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def telemetry_hash(key: str) -> str:
    """A short hash of a storage key, keyed per process; safe to export."""
    return hashlib.blake2b(key.encode(), digest_size=8, key=_TELEMETRY_KEY).hexdigest()


def canonical_bytes(value: Any) -> bytes:
    """The canonical, type-tagged encoding of ``value`` (see the module docstring)."""
    out = bytearray()
    try:
        _encode(value, out, "input")
    except RecursionError:
        raise UnkeyableInputError(value, "input (nested too deeply or cyclic)") from None
    return bytes(out)


def _encode(value: Any, out: bytearray, path: str) -> None:  # noqa: PLR0912 - one branch per type
    kind = type(value)
    if value is None:
        out += b"N"
    elif kind is bool:
        out += b"T" if value else b"F"
    elif kind is int:
        _framed(out, b"i", str(value).encode())
    elif kind is float:
        out += b"f" + _PACK_FLOAT(value)
    elif kind is str:
        _framed(out, b"s", value.encode("utf-8", "surrogatepass"))
    elif kind is bytes:
        _framed(out, b"b", value)
    elif kind is list or kind is tuple:
        _sequence(out, b"l" if kind is list else b"t", value, path)
    elif kind is dict:
        _unordered(out, b"d", ((key, item) for key, item in value.items()), path, mapping=True)
    elif kind is set or kind is frozenset:
        _unordered(out, b"S" if kind is set else b"Z", ((item, None) for item in value), path)
    elif isinstance(value, enum.Enum):
        _class_tag(out, b"E", kind)
        _framed(out, b"s", value.name.encode())
    elif isinstance(value, tuple) and hasattr(kind, "_fields"):
        _class_tag(out, b"n", kind)
        _sequence(out, b"t", value, path)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _class_tag(out, b"D", kind)
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value) if f.compare}
        _unordered(out, b"d", iter(fields.items()), path, mapping=True)
    elif isinstance(getattr(kind, "model_fields", None), dict) and hasattr(value, "model_dump"):
        _class_tag(out, b"P", kind)
        fields = {name: getattr(value, name) for name in kind.model_fields}
        _unordered(out, b"d", iter(fields.items()), path, mapping=True)
    else:
        raise UnkeyableInputError(value, path)


def _framed(out: bytearray, tag: bytes, data: bytes) -> None:
    out += tag + str(len(data)).encode() + b":" + data


def _class_tag(out: bytearray, tag: bytes, kind: type) -> None:
    _framed(out, tag, f"{kind.__module__}.{kind.__qualname__}".encode())


def _sequence(out: bytearray, tag: bytes, items: Any, path: str) -> None:
    out += tag + str(len(items)).encode() + b":"
    for index, item in enumerate(items):
        _encode(item, out, f"{path}[{index}]")


def _unordered(
    out: bytearray, tag: bytes, entries: Any, path: str, *, mapping: bool = False
) -> None:
    encoded: list[bytes] = []
    for key, item in entries:
        entry = bytearray()
        _encode(key, entry, f"{path} key {reprlib.repr(key)}" if mapping else f"{path} item")
        if mapping:
            _encode(item, entry, f"{path}[{reprlib.repr(key)}]")
        encoded.append(bytes(entry))
    encoded.sort()
    out += tag + str(len(encoded)).encode() + b":" + b"".join(encoded)
