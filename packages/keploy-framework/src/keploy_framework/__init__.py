"""Pure-Python API record/replay that reads and writes Keploy's own test files."""

from __future__ import annotations

from keploy_framework.compare import Comparison, MatchOptions, compare
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
