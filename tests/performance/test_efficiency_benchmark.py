"""Cost of ``tta-tooling efficiency`` over the whole repository, against a bare ``ast.parse``.

Both sides handle the same files, measured in the same run with interleaved
rounds: the gate (discover, read, pre-filter, parse the candidates, run every
rule) and the floor (``ast.parse`` of every file's text, already read). Target:
the median of the per-round ratios is at most 2x.
"""

from __future__ import annotations

import ast
import gc
import statistics
import time
from pathlib import Path
from typing import Any

from tta_tooling.efficiency import EfficiencyConfig, load_config, scan

TARGET_RATIO = 2.0
ROUNDS = 21
REPO_ROOT = Path(__file__).resolve().parents[2]
_SKIPPED = {".git", ".nox", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache"}


def _repository_config() -> EfficiencyConfig:
    configured = load_config(REPO_ROOT)
    return EfficiencyConfig(
        paths=(".",),
        llm_calls=configured.llm_calls,
        concurrency=configured.concurrency,
        caches=configured.caches,
        routers=configured.routers,
    )


def _sources() -> list[tuple[str, str]]:
    files = sorted(
        path
        for path in REPO_ROOT.rglob("*.py")
        if not _SKIPPED & set(path.relative_to(REPO_ROOT).parts)
    )
    return [(str(path), path.read_text(encoding="utf-8")) for path in files]


def _parse_all(sources: list[tuple[str, str]]) -> None:
    for name, text in sources:
        ast.parse(text, filename=name)


def _seconds(call: Any) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def test_efficiency_costs_at_most_twice_a_bare_parse(benchmark: Any) -> None:
    config = _repository_config()
    sources = _sources()
    result = scan(REPO_ROOT, config)
    assert result.files == len(sources), "the gate and the floor must see the same files"

    def gate() -> None:
        scan(REPO_ROOT, config)

    def floor() -> None:
        _parse_all(sources)

    for _ in range(2):  # warm the file cache and both code paths
        gate()
        floor()
    gc.collect()
    ratios: list[float] = []
    for index in range(ROUNDS):
        if index % 2:
            gate_s, floor_s = _seconds(gate), _seconds(floor)
        else:
            floor_s, gate_s = _seconds(floor), _seconds(gate)
        ratios.append(gate_s / floor_s)
    ratio = statistics.median(ratios)
    benchmark.group = "efficiency"
    benchmark.extra_info.update(
        {"files": len(sources), "median_ratio_to_ast_parse": round(ratio, 3), "rounds": ROUNDS}
    )
    benchmark.pedantic(gate, rounds=5, iterations=1, warmup_rounds=1)
    print(f"\nefficiency over {len(sources)} files: {ratio:.2f}x a bare ast.parse (median)")
    assert ratio <= TARGET_RATIO, (
        f"efficiency costs {ratio:.2f}x a bare ast.parse of the same {len(sources)} files; "
        f"the target is <= {TARGET_RATIO}x"
    )
