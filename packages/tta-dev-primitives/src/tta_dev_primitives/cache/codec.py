"""How cached values become bytes for remote storage."""

from __future__ import annotations

import json
from typing import Any, Protocol

__all__ = ["Codec", "JsonCodec"]


class Codec(Protocol):
    """Turns values into bytes and back."""

    def encode(self, value: Any) -> bytes:
        """Serialize ``value``."""

    def decode(self, data: bytes) -> Any:
        """Deserialize what :meth:`encode` produced."""


class JsonCodec:
    """Compact UTF-8 JSON; values must be JSON-serializable."""

    __slots__ = ()

    def encode(self, value: Any) -> bytes:
        """Serialize ``value`` as JSON."""
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()

    def decode(self, data: bytes) -> Any:
        """Parse JSON bytes."""
        return json.loads(data)
