"""The flakiness verdict as an atomically written JSON file and as a markdown table."""

from __future__ import annotations

import json
from pathlib import Path

from tta_process_support.atomic import write_text_atomically

from tta_tooling.flakiness.analysis import Summary
from tta_tooling.reporting import markdown_table

__all__ = ["as_json", "as_markdown", "write_json"]


def as_json(summary: Summary) -> dict[str, object]:
    """Seeds, totals and every test that failed at least once (with its outcomes)."""
    return {
        "runs": len(summary.seeds),
        "seeds": list(summary.seeds),
        "tests": len(summary.tests),
        "flaky": len(summary.flaky),
        "flake_rate_percent": round(summary.flake_rate, 3),
        "failing": [
            {
                "test": t.name,
                "failures": t.failures,
                "flaky": t.flaky,
                "outcomes": list(t.outcomes),
            }
            for t in summary.tests
            if t.failures or t.flaky
        ],
    }


def write_json(path: Path, summary: Summary) -> None:
    """Write :func:`as_json` to ``path`` through a temporary file and a rename."""
    write_text_atomically(path, json.dumps(as_json(summary), indent=2) + "\n")


def as_markdown(summary: Summary) -> str:
    """A heading with the flake rate and a table of the tests that failed at least once."""
    runs = len(summary.seeds)
    seeds = ", ".join(map(str, summary.seeds))
    head = (
        f"### Flakiness\n\n{len(summary.flaky)} of {len(summary.tests)} tests changed outcome "
        f"over {runs} randomized runs (flake rate {summary.flake_rate:.2f} %; seeds {seeds})."
    )
    rows = [
        (t.name, f"{t.failures}/{runs}", "flaky" if t.flaky else "always fails")
        for t in summary.tests
        if t.failures or t.flaky
    ]
    if not rows:
        return head
    return head + "\n\n" + markdown_table(("test", "failed", "verdict"), rows)
