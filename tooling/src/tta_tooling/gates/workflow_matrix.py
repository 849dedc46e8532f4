"""A job's ``strategy``: its matrix expanded as GitHub expands it, and what keeps it from running.

GitHub's workflow syntax, ``jobs.<job_id>.strategy``: ``matrix`` (vectors,
``include``, ``exclude``) and ``max-parallel`` (the most matrix jobs run at once).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tta_tooling.gates.gh_expressions import whole_expression
from tta_tooling.gates.script_rules import Listing

MAX_COMBINATIONS = 256
_FROM_NEEDS = re.compile(r"^fromJSON\(\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\)$", re.IGNORECASE)


@dataclass(slots=True)
class Strategy:
    """The matrix's values per key (None without a matrix), its combinations as
    ``{"matrix.<key>": value}``, and why the job would not run as written."""

    values: dict[str, list[object]] | None = None
    combinations: list[dict[str, object]] = field(default_factory=lambda: [{}])
    problems: list[str] = field(default_factory=list)


def read_strategy(job: dict[str, Any], outputs: dict[str, dict[str, Listing | str]]) -> Strategy:
    """``job``'s strategy; a vector may be ``fromJSON(needs.<job>.outputs.<name>)``.

    A matrix that expands to no combination never runs the job, nor does
    ``max-parallel`` below 1.
    """
    read = Strategy()
    strategy = job.get("strategy")
    matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
    if isinstance(strategy, dict) and "max-parallel" in strategy:
        limit = strategy["max-parallel"]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            read.problems.append(
                f"`max-parallel: {limit}` must be a positive number: at 0 no matrix job starts"
            )
    if not isinstance(matrix, dict):
        return read
    vectors: dict[str, list[object]] = {}
    for key, value in matrix.items():
        if key in ("include", "exclude"):
            continue
        if isinstance(value, list):
            vectors[str(key)] = value
            continue
        match = _FROM_NEEDS.match(whole_expression(value) or "")
        listed = outputs.get(match[1], {}).get(match[2]) if match else None
        if isinstance(listed, list):
            vectors[str(key)] = list(listed)
    include = _entries(matrix, "include", read.problems)
    exclude = _entries(matrix, "exclude", read.problems)
    combinations = expand_matrix(vectors, include, exclude)
    if combinations is None:
        read.values = {**vectors}
        return read
    if not combinations:
        read.problems.append(
            "the matrix expands to no combination (an empty vector, or "
            "`exclude` matching every one): the job never runs"
        )
    read.values = {}
    for combination in combinations:
        for key, value in combination.items():
            known = read.values.setdefault(key, [])
            if value not in known:
                known.append(value)
    read.combinations = [{f"matrix.{k}": v for k, v in c.items()} for c in combinations or [{}]]
    return read


def _entries(matrix: dict[str, Any], key: str, problems: list[str]) -> list[dict[str, object]]:
    """``include`` / ``exclude``: a literal list of literal mappings, else a problem."""
    entries = matrix.get(key, [])
    literal = isinstance(entries, list) and all(
        isinstance(e, dict) and "${{" not in str(e) for e in entries
    )
    if not literal:
        problems.append(f"matrix `{key}` must be a literal list of values to be read")
        return []
    return [{str(k): v for k, v in e.items()} for e in entries]


def expand_matrix(
    vectors: Mapping[str, list[object]],
    include: list[dict[str, object]],
    exclude: list[dict[str, object]],
) -> list[dict[str, object]] | None:
    """The job's matrix combinations as GitHub expands them (None past MAX_COMBINATIONS).

    GitHub's workflow syntax (jobs.<job_id>.strategy.matrix.exclude / .include):
    the cross product of the vectors; minus every combination an ``exclude``
    entry matches, where a partial match is enough; then each ``include`` entry
    is added to every combination whose original values it does not overwrite
    (values an earlier entry added may be), or becomes a combination of its own
    when it fits none (and no later entry extends it). So a matrix of
    ``include`` only has one combination per entry, and an empty vector or an
    ``exclude`` matching everything leaves none.
    """
    combinations: list[dict[str, object]] = [{}] if vectors else []
    for key, values in vectors.items():
        combinations = [{**c, key: v} for c in combinations for v in values]
        if len(combinations) > MAX_COMBINATIONS:
            return None
    combinations = [c for c in combinations if not any(_matches(c, entry) for entry in exclude)]
    expanded = [dict(c) for c in combinations]
    for entry in include:
        fitting = [
            c
            for c, original in zip(expanded[: len(combinations)], combinations, strict=True)
            if all(original[k] == v for k, v in entry.items() if k in vectors)
        ]
        for combination in fitting:
            combination.update(entry)
        if not fitting:
            expanded.append(dict(entry))
    return expanded


def _matches(combination: Mapping[str, object], entry: Mapping[str, object]) -> bool:
    return all(k in combination and combination[k] == v for k, v in entry.items())
