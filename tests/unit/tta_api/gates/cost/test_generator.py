from __future__ import annotations

import errno
import os
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from tta_api.catalog import Tier
from tta_api.gates.cost.generator import (
    REFERENCE_REQUESTS,
    REFERENCE_WORKLOAD,
    generate,
    main,
    render_jsonl,
)
from tta_api.gates.cost.workload import load_workload
from tta_api.routing import tier_for


def test_the_shipped_reference_is_exactly_the_generators_output() -> None:
    # A hand-edited reference (say, dropping the prompts the router gets wrong) fails here.
    assert REFERENCE_WORKLOAD.read_text(encoding="utf-8") == render_jsonl(generate())


def test_the_reference_is_large_and_mixes_labels_and_repeats() -> None:
    requests = load_workload(REFERENCE_WORKLOAD)
    assert len(requests) == REFERENCE_REQUESTS >= 500
    labels = Counter(request.label for request in requests)
    assert 0.2 <= labels["complex"] / len(requests) <= 0.4
    prompts = Counter((request.label, request.prompt) for request in requests)
    repeated = {label for (label, _), count in prompts.items() if count > 1}
    assert repeated == {"simple", "complex"}
    assert len(prompts) < len(requests)


def test_each_template_has_one_label() -> None:
    labels: defaultdict[str, set[str]] = defaultdict(set)
    for record in generate(7, 2000):
        labels[record["template"]].add(record["label"])
    assert all(len(found) == 1 for found in labels.values()), labels
    assert {next(iter(found)) for found in labels.values()} == {"simple", "complex"}


def test_labels_do_not_follow_the_router() -> None:
    # Some complex prompts are short (proofs, derivations): the length-based router
    # under-rates them, so the quality guard measures something the router can get wrong.
    records = generate(7, 2000)
    missed = {
        r["template"]
        for r in records
        if r["label"] == "complex" and tier_for(r["prompt"]) is not Tier.PREMIUM
    }
    assert missed >= {"proof", "derivation"}
    assert any(r["label"] == "simple" and tier_for(r["prompt"]) is Tier.BALANCED for r in records)


def test_the_seed_decides_the_workload() -> None:
    assert generate(1, 50) == generate(1, 50)
    assert generate(1, 50) != generate(2, 50)
    assert [r["id"] for r in generate(3, 3)] == ["r0001", "r0002", "r0003"]


def test_main_writes_the_file_it_is_given(tmp_path: Path) -> None:
    out = tmp_path / "w.jsonl"
    assert main(["--seed", "5", "--requests", "40", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render_jsonl(generate(5, 40))


def test_main_refuses_an_empty_workload(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--requests", "0", "--out", str(tmp_path / "w.jsonl")])
    assert exited.value.code == 2
    assert "--requests: must be at least 1" in capsys.readouterr().err
    assert not (tmp_path / "w.jsonl").exists()


def test_a_full_disk_is_one_line_exit_2_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "workload.jsonl"
    out.write_text("previous\n", encoding="utf-8")

    def replace(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", replace)
    assert main(["--requests", "3", "--out", str(out)]) == 2
    prog = "python -m tta_api.gates.cost.generator"
    assert capsys.readouterr().err == f"{prog}: {out}: cannot write: {os.strerror(errno.ENOSPC)}\n"
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["workload.jsonl"]
