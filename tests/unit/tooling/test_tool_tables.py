"""``[tool.tta.<name>]`` tables: read from pyproject.toml, unknown keys named with the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.tool_tables import reject_unknown_keys, tta_table


def _pyproject(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_named_table_is_read(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, '[tool.tta.secrets]\nbaseline = "b"\n')
    assert tta_table(path, "secrets") == {"baseline": "b"}


def test_an_absent_file_or_table_is_empty(tmp_path: Path) -> None:
    assert tta_table(tmp_path / "pyproject.toml", "secrets") == {}
    assert tta_table(_pyproject(tmp_path, "[tool.ruff]\n"), "secrets") == {}


def test_a_value_that_is_not_a_table_names_the_file_and_section(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, "[tool.tta]\nsecrets = 1\n")
    with pytest.raises(InputError, match=r"\[tool\.tta\.secrets\]: expected a table") as raised:
        tta_table(path, "secrets")
    assert str(path) in str(raised.value)


def test_invalid_toml_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="invalid TOML"):
        tta_table(_pyproject(tmp_path, "[tool.tta\n"), "secrets")


def test_the_first_unknown_key_is_named_with_the_known_ones() -> None:
    with pytest.raises(InputError, match=r"\[s\]\.a: unknown key \(known: x, y\)"):
        reject_unknown_keys({"b": 1, "a": 2, "x": 3}, {"y", "x"}, "[s]", "pyproject.toml")
    reject_unknown_keys({"x": 1}, {"x", "y"}, "[s]", "pyproject.toml")
