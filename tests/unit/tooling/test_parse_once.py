"""Each distinct text is parsed once: shared syntax trees, private TOML copies."""

from __future__ import annotations

import pytest
from tta_tooling.parse_once import python_tree, toml_document


def test_the_same_python_text_under_another_name_shares_one_tree() -> None:
    text = "import os\nVALUE = 1\n"
    assert python_tree(text, "a.py") is python_tree(text, "copy/a.py")
    assert python_tree(text + "\n", "a.py") is not python_tree(text, "a.py")


def test_a_syntax_error_names_the_file_it_was_read_from() -> None:
    for name in ("first.py", "second.py"):
        with pytest.raises(SyntaxError) as raised:
            python_tree("def broken(:\n", name)
        assert raised.value.filename == name


def test_each_toml_caller_gets_its_own_copy() -> None:
    text = "[tool.x]\nvalues = [1, 2]\n"
    first = toml_document(text)
    first["tool"]["x"]["values"].append(3)
    assert toml_document(text) == {"tool": {"x": {"values": [1, 2]}}}
