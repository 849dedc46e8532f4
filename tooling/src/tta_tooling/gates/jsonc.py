"""Read JSON with comments and trailing commas (VS Code's JSONC)."""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import json5
from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError

_LINE_IN_ERROR = re.compile(r"^<string>:(\d+) ")


def load_jsonc(path: Path) -> Any:
    """Parse ``path``; a syntax error becomes :class:`InputError` with file and line."""
    try:
        return copy.deepcopy(_parse(read_input(path)))
    except ValueError as error:
        message = str(error).splitlines()[0] if str(error) else "invalid JSON"
        match = _LINE_IN_ERROR.match(message)
        line = int(match[1]) if match else None
        raise InputError(
            path, f"invalid JSONC: {_LINE_IN_ERROR.sub('', message)}", line=line
        ) from error


@cache
def _parse(text: str) -> Any:
    """json5 is slow on long files: each distinct text is parsed once."""
    return json5.loads(text)
