"""Alternating rounds and pairing of the two trees' runs."""

from __future__ import annotations

from tta_tooling.perf.rounds import PairedSamples, collect_pairs
from tta_tooling.perf.suite import Measurement


def _m(seconds: float) -> Measurement:
    return Measurement(per_call=seconds, p95_seconds=None, rounds=10)


def test_rounds_alternate_which_tree_runs_first_and_skip_the_warmup() -> None:
    calls: list[str] = []

    def run(tree: str) -> dict[str, Measurement]:
        calls.append(tree)
        return {"bench": _m(float(len(calls)))}

    samples = collect_pairs(lambda: run("A"), lambda: run("B"), rounds=3, warmup=1)
    assert calls == ["A", "B", "B", "A", "A", "B", "B", "A"]
    assert [m.per_call for m in samples.baseline["bench"]] == [4.0, 5.0, 8.0]
    assert [m.per_call for m in samples.current["bench"]] == [3.0, 6.0, 7.0]


def test_a_benchmark_on_one_side_only_keeps_no_pairs() -> None:
    samples = PairedSamples()
    samples.add({"both": _m(1.0), "gone": _m(1.0)}, {"both": _m(2.0), "new": _m(1.0)})
    assert samples.names() == ["both", "gone", "new"]
    assert [m.per_call for m in samples.baseline_only["gone"]] == [1.0]
    assert [m.per_call for m in samples.current_only["new"]] == [1.0]
    assert "new" not in samples.baseline
    assert "gone" not in samples.current
    assert list(samples.baseline) == list(samples.current) == ["both"]


def test_the_rounds_end_at_the_first_round_that_settles_the_comparison() -> None:
    runs: list[str] = []

    def run(tree: str) -> dict[str, Measurement]:
        runs.append(tree)
        return {"bench": _m(1.0)}

    samples = collect_pairs(
        lambda: run("A"),
        lambda: run("B"),
        rounds=20,
        settled=lambda so_far: len(so_far.baseline["bench"]) == 4,
    )
    assert len(samples.baseline["bench"]) == 4
    assert len(runs) == 2 * (1 + 4)  # the warm-up and four recorded rounds
