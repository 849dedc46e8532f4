"""Pure-Python API record/replay that reads and writes Keploy's own test files.

The public names are loaded on first use (PEP 562): the recorder imports aiohttp and
uvicorn, the replayer httpx, the configuration jsonschema, and a process that imports
one module of the package (``python -m keploy_framework.cli``) should not pay for all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Imported now: the function ``compare`` shares its module's name, and importing the module
# keploy_framework.compare later (the configuration does) would bind the package's
# ``compare`` to the module instead. It costs little (no HTTP or schema library).
from keploy_framework.compare import Comparison, MatchOptions, compare

if TYPE_CHECKING:
    from keploy_framework.config import Config, load_config
    from keploy_framework.errors import InputError
    from keploy_framework.recorder import RecordingProxy, record
    from keploy_framework.replay import replay_set
    from keploy_framework.storage import TestSet, list_test_sets, read_test_set, write_test_case
    from keploy_framework.testcase import HttpRequest, HttpResponse, TestCase, parse_test_case

__all__ = [
    "Comparison",
    "Config",
    "HttpRequest",
    "HttpResponse",
    "InputError",
    "MatchOptions",
    "RecordingProxy",
    "TestCase",
    "TestSet",
    "compare",
    "list_test_sets",
    "load_config",
    "parse_test_case",
    "read_test_set",
    "record",
    "replay_set",
    "write_test_case",
]

# Each public name's module (the TYPE_CHECKING imports above say the same for mypy).
_HOMES = {
    "Config": "config",
    "load_config": "config",
    "InputError": "errors",
    "RecordingProxy": "recorder",
    "record": "recorder",
    "replay_set": "replay",
    "TestSet": "storage",
    "list_test_sets": "storage",
    "read_test_set": "storage",
    "write_test_case": "storage",
    "HttpRequest": "testcase",
    "HttpResponse": "testcase",
    "TestCase": "testcase",
    "parse_test_case": "testcase",
}


def __getattr__(name: str) -> object:
    """A public name, imported from its module on first use and kept here after it."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
