"""Cache keys: equal under the documented rule exactly when equal keys (property-based)."""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import hashlib
import math
import struct
import subprocess
import sys
from typing import Any, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tta_dev_primitives import (
    MISSING,
    CachePrimitive,
    JsonCodec,
    LambdaPrimitive,
    WorkflowContext,
)
from tta_dev_primitives.cache.keys import (
    UnkeyableInputError,
    canonical_bytes,
    digest,
    identity,
    telemetry_hash,
)
from tta_dev_primitives.cache.primitive import key_hash


@dataclasses.dataclass(frozen=True)
class Point:
    x: Any
    y: Any
    label: str = dataclasses.field(default="", compare=False)


@dataclasses.dataclass(frozen=True)
class OtherPoint:
    x: Any
    y: Any


class Pair(NamedTuple):
    left: Any
    right: Any


class Colour(enum.Enum):
    RED = 1
    BLUE = 2


def same(a: Any, b: Any) -> bool:  # noqa: PLR0911 - the documented rule, one case per type
    """The documented key equality, written independently of the implementation."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return struct.pack(">d", a) == struct.pack(">d", b)
    if type(a) in (list, tuple, Pair):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        if len(a) != len(b):
            return False
        for key, value in a.items():
            matches = [other for other in b if same(key, other)]
            if len(matches) != 1 or not same(value, b[matches[0]]):
                return False
        return True
    if type(a) in (Point, OtherPoint):
        return same(a.x, b.x) and same(a.y, b.y)
    return bool(a == b)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.binary(max_size=8),
    st.sampled_from(list(Colour)),
)
dict_keys = st.one_of(st.text(max_size=4), st.integers(-3, 3), st.tuples(st.integers(0, 2)))


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(dict_keys, children, max_size=4),
        st.builds(Point, children, children, st.text(max_size=3)),
        st.builds(OtherPoint, children, children),
        st.builds(Pair, children, children),
    )


values = st.recursive(scalars, _extend, max_leaves=12)


def rebuilt(value: Any, data: st.DataObject) -> Any:
    """An equal copy of ``value`` with every dict's insertion order shuffled."""
    kind = type(value)
    if kind is dict:
        items = data.draw(st.permutations(list(value.items())))
        return {key: rebuilt(item, data) for key, item in items}
    if kind in (list, tuple):
        return kind(rebuilt(item, data) for item in value)
    if kind is Pair:
        return Pair(rebuilt(value.left, data), rebuilt(value.right, data))
    if kind is Point:
        return Point(rebuilt(value.x, data), rebuilt(value.y, data), label="relabelled")
    if kind is OtherPoint:
        return OtherPoint(rebuilt(value.x, data), rebuilt(value.y, data))
    return value


@given(values, values)
def test_two_inputs_share_a_key_if_and_only_if_equal_under_the_rule(first, second):
    assert (canonical_bytes(first) == canonical_bytes(second)) == same(first, second)
    assert (identity(first) == identity(second)) == same(first, second)
    assert (digest(first) == digest(second)) == same(first, second)


@given(values, st.data())
def test_mixed_orders_and_uncompared_fields_give_the_same_key(value, data):
    copy = rebuilt(value, data)
    assert same(value, copy)
    assert canonical_bytes(value) == canonical_bytes(copy)
    assert digest(value) == digest(copy)


class CodecBackend:
    """A remote-like backend: values go through JsonCodec, as RedisBackend stores them."""

    def __init__(self) -> None:
        self.codec = JsonCodec()
        self.data: dict[str, bytes] = {}

    async def get(self, key: str) -> Any:
        data = self.data.get(key)
        return MISSING if data is None else self.codec.decode(data)

    async def set(self, key: str, value: Any, ttl_seconds: float | None) -> int:
        self.data[key] = self.codec.encode(value)  # UncacheableValueError propagates
        return 0

    async def delete(self, key: str) -> None:
        self.data.pop(key, None)

    async def clear(self, prefix: str = "") -> None:
        self.data.clear()


@given(st.lists(values, min_size=1, max_size=8), st.booleans())
def test_a_hit_always_equals_what_the_wrapped_primitive_returns(inputs, remote):
    def answer(value: Any) -> Any:
        return ("answer", value)

    async def run() -> None:
        cache: CachePrimitive[Any, Any] = CachePrimitive(
            LambdaPrimitive(answer),
            backend=CodecBackend() if remote else None,
            namespace="property",
        )
        context = WorkflowContext()
        for value in [*inputs, *inputs]:
            assert same(await cache.execute(value, context), answer(value))
        assert cache.stats.hits + cache.stats.misses == 2 * len(inputs)
        if not remote:
            assert cache.stats.hits >= len(inputs)

    asyncio.run(run())


def test_type_tags_keep_equal_python_values_apart():
    assert len({identity(v) for v in (1, 1.0, True, "1", b"1", Colour.RED)}) == 6
    assert identity([1, 2]) != identity((1, 2))
    assert identity(Pair(1, 2)) != identity((1, 2))
    assert identity(Point(1, 2)) != identity(OtherPoint(1, 2))
    assert identity(0.0) != identity(-0.0)
    assert identity(math.nan) == identity(math.nan)
    assert identity({1, 2}) == identity({2, 1}) != identity(frozenset({1, 2}))
    assert identity(["ab", "c"]) != identity(["a", "bc"])  # length-framed, no ambiguity


def test_pydantic_style_models_are_keyed_by_their_declared_fields():
    class Model:
        model_fields: dict[str, object] = {"a": None, "b": None}  # noqa: RUF012

        def __init__(self, a: Any, b: Any, cache: Any = None) -> None:
            self.a, self.b, self.cache = a, b, cache

        def model_dump(self) -> dict[str, Any]:
            return {"a": self.a, "b": self.b}

    assert identity(Model(1, "x", cache=object())) == identity(Model(1, "x"))
    assert identity(Model(1, "x")) != identity(Model(2, "x"))


@pytest.mark.parametrize(
    ("value", "where"),
    [
        (object(), "input is a builtins.object"),
        ([1, {"k": object()}], "input[1]['k']"),
        ({object(): 1}, "input key"),
        (type("Str", (str,), {})("x"), "Str"),
        (Point, "input is a builtins.type"),
    ],
)
def test_values_without_a_canonical_encoding_are_refused(value, where):
    with pytest.raises(UnkeyableInputError, match=r"no canonical cache key") as caught:
        identity(value)
    assert where in str(caught.value)
    with pytest.raises(TypeError):
        digest(value)


def test_cyclic_input_is_refused_not_crashing():
    cycle: list[Any] = []
    cycle.append(cycle)
    with pytest.raises(UnkeyableInputError, match="cyclic"):
        canonical_bytes(cycle)


def test_remote_keys_are_fixed_size_hashes_of_the_encoding():
    long_prompt = "x" * 100_000
    assert len(digest(long_prompt)) == 32
    assert digest(long_prompt) != digest(long_prompt + "y")
    assert digest("a") == hashlib.blake2b(b"sa", digest_size=16).hexdigest()
    assert digest(["a"]) == hashlib.blake2b(canonical_bytes(["a"]), digest_size=16).hexdigest()


@pytest.mark.smoke
def test_exported_key_hash_is_keyed_per_process():
    """Regression: the exported hash was an unkeyed hash, so a low-entropy input
    (a yes/no answer, a user id) could be recovered by hashing candidates."""
    key = "8:ns/inner:syes"
    assert key_hash(key) == key_hash(key) == telemetry_hash(key)
    assert key_hash(key) != hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    code = f"from tta_dev_primitives.cache.primitive import key_hash; print(key_hash({key!r}))"
    other_process = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert len(other_process) == 16
    assert other_process != key_hash(key)


NAN_BITS = {
    "quiet nan": "7ff8000000000000",
    "negative nan": "fff8000000000000",
    "quiet nan with a payload": "7ff8000000000001",
    "signalling nan": "7ff4000000000001",
    "negative signalling nan": "fff0000000000001",
}


def _float(bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(bits))[0]
    return value


@pytest.mark.parametrize("bits", NAN_BITS.values(), ids=NAN_BITS.keys())
def test_a_nan_keeps_its_bits_through_the_codec_and_keys_by_them(bits):
    nan = _float(bits)
    back = JsonCodec().decode(JsonCodec().encode({"x": [nan, (nan,)]}))
    assert struct.pack(">d", back["x"][0]).hex() == bits
    assert struct.pack(">d", back["x"][1][0]).hex() == bits
    assert identity(nan) == identity(_float(bits))
    others = [other for other in NAN_BITS.values() if other != bits]
    assert all(identity(nan) != identity(_float(other)) for other in others)


@pytest.mark.parametrize("remote", [False, True], ids=["in-memory", "codec"])
@pytest.mark.parametrize(
    "value",
    [*map(_float, NAN_BITS.values()), 0.0, -0.0, math.inf, -math.inf],
    ids=[*NAN_BITS.keys(), "zero", "negative zero", "inf", "-inf"],
)
def test_a_hit_on_a_special_float_gives_back_its_exact_bits(value, remote):
    async def run() -> list[Any]:
        cache: CachePrimitive[Any, Any] = CachePrimitive(
            LambdaPrimitive(lambda v: [v]),
            backend=CodecBackend() if remote else None,
            namespace="floats",
        )
        context = WorkflowContext()
        return [await cache.execute(value, context) for _ in range(2)]

    first, second = asyncio.run(run())
    bits = struct.pack(">d", value)
    assert struct.pack(">d", first[0]) == struct.pack(">d", second[0]) == bits


def test_zero_and_negative_zero_are_two_keys_and_two_stored_values():
    assert identity(0.0) != identity(-0.0)
    back = JsonCodec().decode(JsonCodec().encode([0.0, -0.0]))
    assert [math.copysign(1, x) for x in back] == [1, -1]
