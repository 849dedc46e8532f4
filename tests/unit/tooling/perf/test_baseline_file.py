"""baseline.json: the recorded commit and the proposal's shape."""

from __future__ import annotations

from pathlib import Path

import pytest
from tta_tooling.errors import InputError
from tta_tooling.perf.baseline_file import baseline_document, recorded_commit
from tta_tooling.perf.suite import Measurement


def test_missing_file_records_no_commit(tmp_path: Path) -> None:
    assert recorded_commit(tmp_path / "baseline.json") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "invalid JSON"),
        ("[]", "'commit'"),
        ('{"commit": 3}', "'commit'"),
        ('{"commit": ""}', "'commit'"),
    ],
)
def test_malformed_file_names_the_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        recorded_commit(path)


def test_document_has_the_proposal_shape_with_commit_machine_and_python() -> None:
    runs = [
        {"a": Measurement(1e-6, 2e-6, 50), "b": Measurement(4e-6, None, 50)},
        {"a": Measurement(3e-6, 4e-6, 50)},
    ]
    document = baseline_document("abc123", runs, "3.11.7")
    assert document["commit"] == "abc123"
    assert document["python"] == "3.11.7"
    assert document["machine"]["cpus"] >= 1
    a, b = document["benchmarks"]
    assert a["name"] == "a"
    assert a["mean"] == pytest.approx(2e-6)
    assert a["stddev"] == pytest.approx(2**0.5 * 1e-6)
    assert a["p95"] == pytest.approx(3e-6)
    assert a["runs"] == 2
    assert b == b | {"name": "b", "mean": 4e-6, "stddev": 0.0, "p95": None, "runs": 1}
