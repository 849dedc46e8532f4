"""Cache storage in Redis, with server-side expiry."""

from __future__ import annotations

import math
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from tta_dev_primitives.cache.backend import MISSING
from tta_dev_primitives.cache.codec import Codec, JsonCodec, UncacheableValueError

__all__ = ["RedisBackend"]


class RedisBackend:
    """Stores entries under ``prefix + key`` in Redis, encoded by ``codec`` (:class:`JsonCodec`
    by default). A value the codec refuses (``UncacheableValueError``, ``TypeError``,
    ``ValueError``) raises :class:`UncacheableValueError` from :meth:`set`.

    Time to live is set on the server (``SET ... PX``), so every process
    sharing the server sees the same expiry. Pass ``client`` to reuse a
    ``redis.asyncio.Redis``; otherwise one is created from ``url`` with short
    socket timeouts and no client-side retries, so an outage fails fast (the
    cache primitive then runs the wrapped primitive), speaking RESP2 so that a
    server restart costs no failed command (see :func:`_own_client`).
    """

    __slots__ = ("_client", "_codec", "_owns_client", "_prefix")

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        client: Redis | None = None,
        prefix: str = "tta:cache:",
        codec: Codec | None = None,
        socket_timeout: float = 1.0,
    ) -> None:
        if not prefix:
            raise ValueError("prefix must be a non-empty string (clear() deletes prefix + '*')")
        if socket_timeout <= 0:
            raise ValueError(f"socket_timeout must be > 0, got {socket_timeout}")
        if client is None:
            client = _own_client(url, socket_timeout)
            self._owns_client = True
        else:
            self._owns_client = False
        self._client: Redis = client
        self._prefix = prefix
        self._codec: Codec = codec if codec is not None else JsonCodec()

    @property
    def client(self) -> Redis:
        """The underlying ``redis.asyncio.Redis`` client."""
        return self._client

    @property
    def prefix(self) -> str:
        """Prepended to every key stored by this backend."""
        return self._prefix

    async def get(self, key: str) -> Any:
        """Return the decoded value under ``key``, or ``MISSING``."""
        data = await self._client.get(self._prefix + key)
        if data is None:
            return MISSING
        if isinstance(data, str):  # a client created with decode_responses=True
            data = data.encode()
        return self._codec.decode(data)

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        """Store the encoded value, with a server-side TTL when given; evicts nothing itself."""
        try:
            data = self._codec.encode(value)
        except UncacheableValueError:
            raise
        except (TypeError, ValueError, OverflowError, RecursionError) as error:
            raise UncacheableValueError(f"{type(self._codec).__name__}: {error}") from error
        if ttl_seconds is None:
            await self._client.set(self._prefix + key, data)
        else:
            await self._client.set(
                self._prefix + key, data, px=max(1, math.ceil(ttl_seconds * 1000))
            )
        return 0

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        await self._client.delete(self._prefix + key)

    async def clear(self, prefix: str = "") -> None:
        """Remove every key under this backend's prefix followed by ``prefix``."""
        batch: list[Any] = []
        pattern = _escape_glob(self._prefix + prefix) + "*"
        async for name in self._client.scan_iter(match=pattern, count=500):
            batch.append(name)
            if len(batch) >= 500:
                await self._client.delete(*batch)
                batch.clear()
        if batch:
            await self._client.delete(*batch)

    async def aclose(self) -> None:
        """Close the client if this backend created it."""
        if self._owns_client:
            await self._client.aclose()


def _own_client(url: str, socket_timeout: float) -> Redis:
    """A client that fails fast and never hands out a connection the server closed.

    redis-py checks a pooled connection for a closed socket before reusing it,
    except when maintenance notifications are on, which redis-py 8 does by
    default over RESP3 (``ConnectionPool.ensure_connection`` in
    ``redis/asyncio/connection.py``). Then, after a restart of the server, every
    connection pooled before it fails one command ("Connection closed by
    server"), which a circuit breaker counts as the server still failing.
    Measured against a killed and restarted redis-server: 1 failed command per
    pooled connection over RESP3, none over RESP2.
    """
    return Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=socket_timeout,
        retry=Retry(NoBackoff(), 0),
        protocol=2,
    )


def _escape_glob(text: str) -> str:
    return "".join("\\" + char if char in "*?[]\\" else char for char in text)
