"""Caps on answers: what is cut keeps its head and tail and says how long the whole was."""

from __future__ import annotations

from tta_tooling.mcp.bounded import TEXT_LIMIT, abridged, printable, quoted, tail


def test_short_text_is_kept_whole() -> None:
    assert abridged("x" * TEXT_LIMIT) == "x" * TEXT_LIMIT
    assert tail("last line") == "last line"


def test_long_text_keeps_head_and_tail_and_states_its_length() -> None:
    text = "HEAD" + "x" * 1_000_000 + "TAIL"
    short = abridged(text)
    assert len(short) <= TEXT_LIMIT
    assert short.startswith("HEAD")
    assert short.endswith("TAIL")
    assert "1000008 characters in total" in short


def test_a_quoted_value_is_its_repr_abridged() -> None:
    assert quoted("--exit-zero") == "'--exit-zero'"
    long = quoted("a" * 1_000_000 + "\n")
    assert len(long) <= 120
    assert long.startswith("'aaa")
    assert long.endswith("\\n'")


def test_an_output_tail_is_its_end_after_a_length_line() -> None:
    text = "".join(f"line {n}\n" for n in range(10_000))
    excerpt = tail(text)
    first, rest = excerpt.split("\n", 1)
    assert first == f"[... last {TEXT_LIMIT} of {len(text)} characters ...]"
    assert rest == text[-TEXT_LIMIT:]


def test_terminal_codes_and_control_characters_are_dropped() -> None:
    assert printable("\x1b[31mred\x1b[0m\ttab\nline\x00\x07\r") == "red\ttab\nline"
