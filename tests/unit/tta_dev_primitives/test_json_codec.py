"""JsonCodec gives back exactly what it accepted, and refuses the rest when writing."""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any, NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tta_dev_primitives import JsonCodec, UncacheableValueError

CODEC = JsonCodec()


class Point(NamedTuple):
    x: int
    y: int


def identical(a: Any, b: Any) -> bool:
    """Same types all the way down, equal values (nan equals nan), same dict order."""
    if type(a) is not type(b):
        return False
    if type(a) is float:
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b, strict=True))
    if type(a) is dict:
        return len(a) == len(b) and all(
            identical(ka, kb) and identical(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    return bool(a == b)


accepted_keys = st.one_of(
    st.text(max_size=6),
    st.integers(),
    st.booleans(),
    st.none(),
    st.binary(max_size=4),
    st.tuples(st.integers(), st.text(max_size=3)),
    st.sampled_from(["__tuple__", "__dict_pairs__", "__bytes__"]),
)
accepted = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(),
        st.binary(max_size=8),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(accepted_keys, children, max_size=4),
    ),
    max_leaves=15,
)


@given(accepted)
def test_everything_accepted_comes_back_identical(value):
    assert identical(CODEC.decode(CODEC.encode(value)), value)


@pytest.mark.parametrize(
    "value",
    [
        {1, 2},
        frozenset(),
        Point(1, 2),
        OrderedDict(a=1),
        [1, object()],
        {"k": (1, 2.5, complex(1, 2))},
        {"k": bytearray(b"x")},
    ],
)
def test_anything_else_is_refused_at_write_time(value):
    with pytest.raises(UncacheableValueError, match="JsonCodec cannot give back exactly"):
        CODEC.encode(value)


def test_tagged_looking_dicts_stay_dicts():
    tagged: list[dict[str, Any]] = [
        {"__tuple__": [1, 2]},
        {"__bytes__": "eA=="},
        {"__dict_pairs__": []},
    ]
    for value in tagged:
        assert identical(CODEC.decode(CODEC.encode(value)), value)
