"""The shared argparse types: a whole number within bounds, a TCP port; one-line errors."""

from __future__ import annotations

import argparse

import pytest
from tta_process_support.arguments import tcp_port, whole_number


@pytest.mark.parametrize(("text", "value"), [("1", 1), ("80", 80), ("65535", 65535)])
def test_a_tcp_port_is_read(text: str, value: int) -> None:
    assert tcp_port(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("eighty", "not a whole number: 'eighty'"),
        ("8.5", "not a whole number: '8.5'"),
        ("0", "a TCP port is 1-65535, got '0'"),
        ("65536", "a TCP port is 1-65535, got '65536'"),
    ],
)
def test_a_bad_tcp_port_is_named(text: str, message: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError) as raised:
        tcp_port(text)
    assert str(raised.value) == message


def test_the_bounds_are_inclusive_and_named_as_the_command_names_them() -> None:
    seconds = whole_number(1, 3600, "expected 1-3600 seconds")
    assert [seconds("1"), seconds("3600")] == [1, 3600]
    with pytest.raises(argparse.ArgumentTypeError, match=r"^expected 1-3600 seconds, got '3601'$"):
        seconds("3601")
