"""Parsers that parse each distinct text once per process.

``check-gates`` and ``paf`` read ``pyproject.toml`` and ``noxfile.py`` from several
checks each, and the MCP server (and the test suite, in process) runs them many
times: a text seen before is not parsed again.
TOML documents come back as fresh copies, so a caller may change its own; Python
syntax trees are shared and only read.
"""

from __future__ import annotations

import ast
import copy
import tomllib
from functools import lru_cache
from typing import Any

__all__ = ["python_tree", "toml_document"]


@lru_cache(maxsize=32)
def _toml(text: str) -> dict[str, Any]:
    return tomllib.loads(text)


def toml_document(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``, parsed once per distinct text; the caller's own copy."""
    return copy.deepcopy(_toml(text))


@lru_cache(maxsize=128)
def _tree(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


def python_tree(text: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(text, filename)``, parsed once per distinct text; read it, never change it.

    The same text under another name (a copy of the file) shares the tree; a
    :class:`SyntaxError` names ``filename``.
    """
    tree = _tree(text)
    return ast.parse(text, filename=filename) if tree is None else tree
