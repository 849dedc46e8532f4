"""RedisBackend logic against a fake client; tests/integration runs it on a real server."""

from typing import Any, cast

import pytest
from tta_dev_primitives import MISSING, CacheBackend, JsonCodec, RedisBackend, UncacheableValueError


class FakeRedis:
    def __init__(self, decode_responses: bool = False) -> None:
        self.data: dict[str, Any] = {}
        self.px: dict[str, int | None] = {}
        self.decode_responses = decode_responses
        self.closed = False

    async def get(self, name: str) -> Any:
        value = self.data.get(name)
        if value is not None and self.decode_responses:
            return value.decode()
        return value

    async def set(self, name: str, value: bytes, px: int | None = None) -> bool:
        self.data[name] = value
        self.px[name] = px
        return True

    async def delete(self, *names: str) -> int:
        return sum(self.data.pop(n, None) is not None for n in names)

    async def scan_iter(self, match: str, count: int):
        prefix = match[:-1].replace("\\", "")
        for name in list(self.data):
            if name.startswith(prefix):
                yield name

    async def aclose(self) -> None:
        self.closed = True


def backend_with(fake: FakeRedis, **kwargs: Any) -> RedisBackend:
    return RedisBackend(client=fake, **kwargs)  # type: ignore[arg-type]


async def test_round_trip_with_prefix_and_ttl():
    fake = FakeRedis()
    backend = backend_with(fake, prefix="app:")
    assert isinstance(backend, CacheBackend)
    assert backend.client is cast("Any", fake)
    assert backend.prefix == "app:"
    assert await backend.get("k") is MISSING
    assert await backend.set("k", {"a": [1, "é"]}, 1.2) == 0
    assert fake.px == {"app:k": 1200}
    assert fake.data["app:k"] == '{"a":[1,"é"]}'.encode()
    assert await backend.get("k") == {"a": [1, "é"]}
    await backend.set("n", None, None)
    assert fake.px["app:n"] is None
    assert await backend.get("n") is None
    await backend.set("tiny", 1, 0.0001)
    assert fake.px["app:tiny"] == 1


async def test_decode_responses_client_is_supported():
    backend = backend_with(FakeRedis(decode_responses=True))
    await backend.set("k", [1, 2], None)
    assert await backend.get("k") == [1, 2]


async def test_custom_codec():
    class UpperCodec:
        def encode(self, value: Any) -> bytes:
            return str(value).upper().encode()

        def decode(self, data: bytes) -> Any:
            return data.decode()

    fake = FakeRedis()
    backend = backend_with(fake, codec=UpperCodec())
    await backend.set("k", "hello", None)
    assert await backend.get("k") == "HELLO"


async def test_delete_and_clear_only_touch_the_prefix():
    fake = FakeRedis()
    fake.data["other:k"] = b"1"
    backend = backend_with(fake, prefix="mine:")
    for i in range(1200):
        await backend.set(f"k{i}", i, None)
    await backend.delete("k0")
    assert "mine:k0" not in fake.data
    await backend.clear()
    assert fake.data == {"other:k": b"1"}


async def test_aclose_only_closes_an_owned_client():
    fake = FakeRedis()
    await backend_with(fake).aclose()
    assert not fake.closed
    owned = RedisBackend("redis://127.0.0.1:1/0")
    await owned.aclose()


def test_json_codec():
    codec = JsonCodec()
    assert codec.decode(codec.encode({"x": 1.5})) == {"x": 1.5}


@pytest.mark.parametrize(
    ("kwargs", "argument"), [({"prefix": ""}, "prefix"), ({"socket_timeout": 0}, "socket_timeout")]
)
def test_invalid_configuration(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        RedisBackend(**kwargs)


async def test_a_value_the_codec_refuses_raises_uncacheable_and_writes_nothing():
    class StrictCodec:
        def encode(self, value: Any) -> bytes:
            if not isinstance(value, str):
                raise TypeError(f"only text, got {type(value).__name__}")
            return value.encode()

        def decode(self, data: bytes) -> Any:
            return data.decode()

    fake = FakeRedis()
    backend = backend_with(fake, codec=StrictCodec())
    with pytest.raises(UncacheableValueError, match="StrictCodec: only text, got int"):
        await backend.set("k", 1, None)
    default = backend_with(fake)
    with pytest.raises(UncacheableValueError, match=r"value\[0\] is a builtins\.object"):
        await default.set("k", [object()], None)
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(UncacheableValueError, match="cyclic"):
        await default.set("k", cyclic, None)
    assert fake.data == {}
