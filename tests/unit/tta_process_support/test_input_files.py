"""``read_input``: an input file is refused over ``TTA_MAX_INPUT_BYTES`` before it is read
whole, and whatever cannot be read is one ``InputError`` naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_process_support.input_files import (
    DEFAULT_MAX_INPUT_BYTES,
    InputError,
    max_input_bytes,
    read_bounded,
    read_input,
)


def test_the_default_limit_is_ten_mib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TTA_MAX_INPUT_BYTES", raising=False)
    assert max_input_bytes() == DEFAULT_MAX_INPUT_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize("size", [1, 99, 100])
def test_a_file_within_the_limit_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setenv("TTA_MAX_INPUT_BYTES", "100")
    path = tmp_path / "in.txt"
    path.write_text("1" * size)
    assert read_input(path) == "1" * size


@pytest.mark.parametrize("size", [101, 1000, 100_000])
def test_a_file_over_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setenv("TTA_MAX_INPUT_BYTES", "100")
    path = tmp_path / "in.txt"
    path.write_bytes(b"1" * size)
    with pytest.raises(InputError) as raised:
        read_bounded(path)
    assert str(raised.value) == (
        f"{path}: larger than the input limit of 100 bytes (raise it with TTA_MAX_INPUT_BYTES)"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_file_is_cut_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TTA_MAX_INPUT_BYTES", "4096")
    with pytest.raises(InputError, match="input limit of 4096 bytes"):
        read_input(Path("/dev/zero"))


@pytest.mark.parametrize("value", ["ten", "-1", "0", "1e6"])
def test_a_bad_limit_is_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TTA_MAX_INPUT_BYTES", value)
    with pytest.raises(InputError, match=r"^TTA_MAX_INPUT_BYTES: expected a whole number"):
        max_input_bytes()


def test_a_missing_file_and_bytes_that_are_not_utf8_are_named(tmp_path: Path) -> None:
    missing = tmp_path / "absent.txt"
    with pytest.raises(InputError, match=rf"^{missing}: cannot read: "):
        read_input(missing)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9")
    with pytest.raises(InputError, match=rf"^{latin}: not UTF-8 text: .* at byte 3$"):
        read_input(latin)


def test_the_line_is_named_after_the_file_when_known() -> None:
    assert str(InputError("a.json", "invalid JSON: x", line=3)) == "a.json:3: invalid JSON: x"
    assert InputError("a.json", "bad").line is None
