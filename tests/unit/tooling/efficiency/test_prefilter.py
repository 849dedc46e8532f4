"""The text pre-filter never skips a file the rules would report, and skips look-alikes."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from tta_tooling.efficiency import EfficiencyConfig
from tta_tooling.efficiency.prefilter import CandidateFilter

from . import test_caching, test_context, test_limits, test_loops, test_routing

SNIPPETS = {
    f"{module.__name__.rpartition('.')[2]}: {name}": source
    for module in (test_caching, test_context, test_limits, test_loops, test_routing)
    for table in vars(module).values()
    if isinstance(table, dict) and all(isinstance(v, str) for v in table.values())
    for name, source in table.items()
    if "# expect" in source
}


@pytest.fixture(scope="module")
def may_call_llm() -> CandidateFilter:
    return CandidateFilter(EfficiencyConfig.from_table({}, Path("pyproject.toml")).llm_calls)


@pytest.mark.parametrize("source", SNIPPETS.values(), ids=SNIPPETS.keys())
def test_every_reported_snippet_passes_the_filter(
    may_call_llm: CandidateFilter, source: str
) -> None:
    assert may_call_llm(dedent(source))


@pytest.mark.parametrize(
    "source",
    [
        "def generate_report(rows):\n    return rows\n\ngenerate_report([])\n",
        "import ast\n\ntree = ast.parse(text)\nbench.batch(call, 10)\n",
        "runner.invoke(job)\nstream.read()\n# a comment about completions.create\n",
    ],
)
def test_look_alikes_are_not_parsed(may_call_llm: CandidateFilter, source: str) -> None:
    assert not may_call_llm(source)
