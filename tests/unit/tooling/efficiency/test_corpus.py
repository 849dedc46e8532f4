"""Precision and recall of every rule on excerpts of real public LLM code (``corpus/``).

Each excerpt names its source repository and path in its first comment lines and
marks the findings a reviewer expects, decided by reading the code, with
``# expect: CODE[, CODE]`` on the reported line. The gate runs as a user runs it:
``tta-tooling efficiency --format json`` over the folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from tta_tooling.cli import main
from tta_tooling.efficiency import RULES

CORPUS = Path(__file__).with_name("corpus")
MIN_PRECISION = 0.90
MIN_RECALL = 0.85
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>EFF\d{3}(?:\s*,\s*EFF\d{3})*)\s*$")
# ``# Source: owner/repository, path`` (the path may wrap onto the next comment line)
_SOURCE = re.compile(r"\A# Source: [\w.-]+/[\w.-]+,\s*(?:#\s*)?[\w./-]+\.\w+")

Finding = tuple[str, int, str]


def _expected() -> set[Finding]:
    found: set[Finding] = set()
    for path in sorted(CORPUS.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _EXPECT.search(line)
            if match:
                found |= {(path.name, number, c.strip()) for c in match["codes"].split(",")}
    return found


@pytest.fixture(scope="module")
def reported() -> set[Finding]:
    """What ``tta-tooling efficiency --root corpus --format json`` reports."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["efficiency", "--root", str(CORPUS), "--format", "json"])
    assert code == 1, err.getvalue()
    return {(f["file"], f["line"], f["code"]) for f in json.loads(out.getvalue())}


def test_corpus_holds_forty_excerpts_each_naming_its_source() -> None:
    excerpts = sorted(CORPUS.glob("*.py"))
    assert len(excerpts) >= 40
    unsourced = [p.name for p in excerpts if not _SOURCE.match(p.read_text(encoding="utf-8"))]
    assert unsourced == []


@pytest.mark.parametrize("code", [c for c in RULES if c != "EFF900"])
def test_rule_precision_and_recall(reported: set[Finding], code: str) -> None:
    expected = {f for f in _expected() if f[2] == code}
    found = {f for f in reported if f[2] == code}
    assert expected, f"the corpus has no expected {code} finding"
    hits = len(expected & found)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(expected)
    detail = f"false: {sorted(found - expected)}; missed: {sorted(expected - found)}"
    print(
        f"{code}: precision {precision:.2f} ({hits}/{len(found)}), "
        f"recall {recall:.2f} ({hits}/{len(expected)})"
    )
    assert precision >= MIN_PRECISION, detail
    assert recall >= MIN_RECALL, detail
