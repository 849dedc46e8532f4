"""Read the outcome of every test from a pytest ``--junitxml`` report."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tta_tooling.errors import InputError

__all__ = ["read_outcomes"]


def read_outcomes(path: Path) -> dict[str, str]:
    """``{"module.Class::test[param]": "passed" | "failed" | "skipped"}`` for one run."""
    try:
        tree = ET.parse(path)  # noqa: S314 - the report pytest just wrote, not untrusted input
    except (OSError, ET.ParseError) as error:
        raise InputError(path, f"unreadable JUnit XML report: {error}") from error
    outcomes: dict[str, str] = {}
    for case in tree.iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcomes[name] = "failed"
        elif case.find("skipped") is not None:
            outcomes.setdefault(name, "skipped")
        else:
            outcomes.setdefault(name, "passed")
    return outcomes
