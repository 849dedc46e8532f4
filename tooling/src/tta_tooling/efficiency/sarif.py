"""SARIF 2.1.0 output, as GitHub code scanning reads it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from tta_process_support.atomic import write_text_atomically

from tta_tooling.efficiency.registry import RULES, Violation

__all__ = ["SARIF_SCHEMA", "sarif_log", "write_sarif"]

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_TOOL = "tta-tooling efficiency"


def sarif_log(violations: Sequence[Violation]) -> dict[str, Any]:
    """A SARIF log with one run: every rule described, one result per violation."""
    codes = list(RULES)
    rules = [
        {
            "id": r.code,
            "name": r.name,
            "shortDescription": {"text": r.message},
            "fullDescription": {"text": r.rationale},
            "help": {
                "text": f"{r.rationale}\n\nFix: {r.fix}",
                "markdown": f"{r.rationale}\n\n**Fix:** {r.fix}",
            },
            "defaultConfiguration": {"level": "error"},
        }
        for r in RULES.values()
    ]
    results = [
        {
            "ruleId": v.code,
            "ruleIndex": codes.index(v.code),
            "level": "error",
            "message": {"text": v.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": v.file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": v.line, "startColumn": v.column},
                    }
                }
            ],
        }
        for v in violations
    ]
    driver = {"name": _TOOL, "version": metadata.version("tta-tooling"), "rules": rules}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }


def write_sarif(path: Path, log: dict[str, Any]) -> None:
    """Write ``log`` to ``path`` atomically (a temporary file in the same folder, renamed)."""
    write_text_atomically(path, json.dumps(log, indent=2) + "\n")
