"""How cached values become bytes for remote storage."""

from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any, Final, Protocol

__all__ = ["Codec", "JsonCodec", "UncacheableValueError"]

_TUPLE: Final = "__tuple__"
_PAIRS: Final = "__dict_pairs__"
_BYTES: Final = "__bytes__"
_NAN: Final = "__nan__"
_TAGS: Final = frozenset({_TUPLE, _PAIRS, _BYTES, _NAN})
_FLOAT_BITS: Final = struct.Struct(">d")


class UncacheableValueError(TypeError):
    """A codec refuses a value it cannot store and give back exactly."""


class Codec(Protocol):
    """Turns values into bytes and back.

    ``encode`` raises :class:`UncacheableValueError` (or ``TypeError`` /
    ``ValueError``) for a value it cannot give back exactly; the cache then
    counts the result as uncacheable instead of storing something else.
    """

    def encode(self, value: Any) -> bytes:
        """Serialize ``value``."""

    def decode(self, data: bytes) -> Any:
        """Deserialize what :meth:`encode` produced."""


class JsonCodec:
    """UTF-8 JSON that gives back exactly what it was given, or refuses it.

    Accepts ``None``, ``bool``, ``int``, ``float`` (including the infinities and
    every ``nan``), ``str``, ``bytes``, ``list``, ``tuple`` and ``dict`` with keys of
    those hashable types, nested freely; only those exact types (no subclasses).
    Tuples, bytes, NaNs and dicts whose keys are not all strings are stored as tagged
    JSON objects, so a tuple comes back a tuple, ``{1: "a"}`` keeps its int key and
    a NaN keeps its sign and payload bits (cache keys tell NaNs apart by those bits,
    so a hit must give back the same bits as the value that was stored).
    Anything else raises :class:`UncacheableValueError` at encode time.
    """

    __slots__ = ()

    def encode(self, value: Any) -> bytes:
        """Serialize ``value``, or raise :class:`UncacheableValueError`."""
        try:
            tree = _to_json(value, "value")
        except RecursionError:
            raise UncacheableValueError("value is nested too deeply or cyclic") from None
        return json.dumps(tree, separators=(",", ":"), ensure_ascii=False).encode(
            "utf-8", "surrogatepass"
        )

    def decode(self, data: bytes) -> Any:
        """Parse what :meth:`encode` produced."""
        return json.loads(data.decode("utf-8", "surrogatepass"), object_hook=_from_json)


def _to_json(value: Any, path: str) -> Any:  # noqa: PLR0911 - one case per stored type
    kind = type(value)
    if value is None or kind is bool or kind is str or kind is int or kind is float:
        if kind is float and math.isnan(value):  # json's NaN would lose sign and payload
            return {_NAN: _FLOAT_BITS.pack(value).hex()}
        return value  # json writes the infinities as Infinity/-Infinity and reads them back
    if kind is bytes:
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if kind is list:
        return [_to_json(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if kind is tuple:
        return {_TUPLE: [_to_json(item, f"{path}[{index}]") for index, item in enumerate(value)]}
    if kind is dict:
        plain = all(type(key) is str for key in value)
        if plain and not (len(value) == 1 and _TAGS & value.keys()):
            return {key: _to_json(item, f"{path}[{key!r}]") for key, item in value.items()}
        return {
            _PAIRS: [
                [_to_json(key, f"{path} key"), _to_json(item, f"{path}[{key!r}]")]
                for key, item in value.items()
            ]
        }
    raise UncacheableValueError(
        f"{path} is a {kind.__module__}.{kind.__qualname__}, which JsonCodec cannot give back "
        "exactly (it stores None, bool, int, float, str, bytes, list, tuple and dict)"
    )


def _from_json(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        ((tag, payload),) = obj.items()
        if tag == _TUPLE:
            return tuple(payload)
        if tag == _BYTES:
            return base64.b64decode(payload)
        if tag == _PAIRS:
            return dict(payload)
        if tag == _NAN:
            return _FLOAT_BITS.unpack(bytes.fromhex(payload))[0]
    return obj
